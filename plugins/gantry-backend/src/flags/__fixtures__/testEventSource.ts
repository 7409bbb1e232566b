import http from 'node:http';

type Listener = (event: { data?: string }) => void;

/**
 * Just enough of the browser's EventSource for @openfeature/ofrep-web-provider under
 * Jest: the provider only opens SSE when a global `EventSource` exists, and Node 22
 * has one only behind --experimental-eventsource. Supports the `open`, `message` and
 * `error` events, `readyState` and `close()`; it does not reconnect, so a stream the
 * server drops shows up as an error instead of being papered over.
 */
export class TestEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  /** Every stream opened, so tests can tell whether the provider used SSE. */
  static readonly opened: TestEventSource[] = [];

  readyState = TestEventSource.CONNECTING;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly request: http.ClientRequest;

  constructor(readonly url: string) {
    TestEventSource.opened.push(this);
    this.request = http.get(
      url,
      { headers: { Accept: 'text/event-stream' } },
      res => {
        if (res.statusCode !== 200) {
          res.resume();
          this.fail();
          return;
        }
        this.readyState = TestEventSource.OPEN;
        this.emit('open', {});
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          buffer += chunk;
          for (
            let i = buffer.indexOf('\n\n');
            i >= 0;
            i = buffer.indexOf('\n\n')
          ) {
            const data = buffer
              .slice(0, i)
              .split('\n')
              .filter(l => l.startsWith('data:'))
              .map(l => l.slice(5).trimStart())
              .join('\n');
            buffer = buffer.slice(i + 2);
            if (data) this.emit('message', { data });
          }
        });
        res.on('end', () => this.fail());
      },
    );
    this.request.on('error', () => this.fail());
  }

  addEventListener(type: string, listener: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }

  close() {
    this.readyState = TestEventSource.CLOSED;
    this.request.destroy();
  }

  private fail() {
    if (this.readyState === TestEventSource.CLOSED) return;
    this.readyState = TestEventSource.CLOSED;
    this.emit('error', {});
  }

  private emit(type: string, event: { data?: string }) {
    this.listeners.get(type)?.forEach(l => l(event));
  }
}
