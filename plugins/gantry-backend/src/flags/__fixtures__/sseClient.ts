import http from 'node:http';

export interface SseEvent {
  at: number;
  data: any;
}

/** A minimal EventSource for tests: collects `data:` events with their arrival time. */
export function openSse(url: string): Promise<{
  events: SseEvent[];
  next: (after: number) => Promise<SseEvent>;
  close: () => void;
}> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters: Array<() => void> = [];
    const req = http.get(url, res => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE answered ${res.statusCode}`));
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', chunk => {
        buffer += chunk;
        for (
          let i = buffer.indexOf('\n\n');
          i >= 0;
          i = buffer.indexOf('\n\n')
        ) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block
            .split('\n')
            .filter(l => l.startsWith('data: '))
            .map(l => l.slice(6))
            .join('\n');
          if (data) {
            events.push({ at: performance.now(), data: JSON.parse(data) });
            waiters.splice(0).forEach(w => w());
          }
        }
      });
      resolve({
        events,
        next: after =>
          new Promise<SseEvent>((ok, fail) => {
            const timeout = setTimeout(
              () => fail(new Error('no SSE event within 5 s')),
              5000,
            );
            const check = () => {
              const e = events.find(ev => ev.at >= after);
              if (e) {
                clearTimeout(timeout);
                ok(e);
              } else waiters.push(check);
            };
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', e =>
      e.message === 'socket hang up' ? undefined : reject(e),
    );
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
