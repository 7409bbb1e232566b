import type { EdgeState } from './EdgeState';
import {
  EDGE_STREAM_PATH,
  EDGE_USAGE_PATH,
  type EdgeMessage,
} from './protocol';
import { writeSnapshotFile } from './snapshotFile';
import type { UsageAggregator } from './usage';

export interface StreamClientOptions {
  /** The backend's Gantry base URL, e.g. http://backstage:7007/api/gantry. */
  controlPlaneUrl: string;
  /** A Backstage static token (backend.auth.externalAccess) for the edge. */
  token: string;
  state: EdgeState;
  usage: UsageAggregator;
  /** Where the last snapshot is persisted; none when unset. */
  snapshotFile?: string;
  /** Reconnect when nothing (not even a ping) arrived for this long. Default 15 s. */
  idleTimeoutMs?: number;
  /** How often usage counts are shipped. Default 10 s. */
  usageFlushMs?: number;
  log?: (message: string) => void;
}

/**
 * Follows the control plane's change stream: a full snapshot on every (re)connection,
 * then changes; reconnects with backoff; persists what it applied; ships usage batches.
 */
export class StreamClient {
  private abort?: AbortController;
  private stopped = false;
  private saveTimer?: NodeJS.Timeout;
  private usageTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private readonly log: (m: string) => void;

  constructor(private readonly opts: StreamClientOptions) {
    this.log = opts.log ?? (() => {});
  }

  start(): void {
    void this.loop();
    const every = this.opts.usageFlushMs ?? 10_000;
    const tick = () => {
      this.usageTimer = setTimeout(async () => {
        await this.flushUsage();
        if (!this.stopped) tick();
      }, every);
      this.usageTimer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    clearTimeout(this.usageTimer);
    clearTimeout(this.saveTimer);
    await this.flushUsage();
    await this.saving;
  }

  private headers() {
    return { authorization: `Bearer ${this.opts.token}` };
  }

  async flushUsage(): Promise<void> {
    if (!this.opts.usage.pending) return;
    const batch = this.opts.usage.drain();
    try {
      const res = await fetch(
        `${this.opts.controlPlaneUrl}${EDGE_USAGE_PATH}`,
        {
          method: 'POST',
          headers: { ...this.headers(), 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        },
      );
      if (!res.ok) throw new Error(`${res.status}`);
    } catch {
      this.opts.usage.restore(batch);
    }
  }

  private async loop() {
    let backoff = 250;
    while (!this.stopped) {
      try {
        await this.follow();
        backoff = 250;
      } catch (e) {
        if (this.stopped) break;
        this.log(`change stream: ${(e as Error).message}`);
      }
      this.opts.state.connected = false;
      if (this.stopped) break;
      const wait = backoff;
      await new Promise(r => setTimeout(r, wait));
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  private async follow() {
    const abort = new AbortController();
    this.abort = abort;
    const idleMs = this.opts.idleTimeoutMs ?? 15_000;
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error('stream idle')), idleMs);
    };
    touch();
    try {
      const res = await fetch(
        `${this.opts.controlPlaneUrl}${EDGE_STREAM_PATH}`,
        {
          headers: { ...this.headers(), accept: 'text/event-stream' },
          signal: abort.signal,
        },
      );
      if (!res.ok || !res.body)
        throw new Error(
          `control plane answered ${res.status}: ${(await res.text()).slice(
            0,
            300,
          )}`,
        );
      const decoder = new TextDecoder();
      let buffer = '';
      let event = 'message';
      let data = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        buffer += decoder.decode(chunk, { stream: true });
        for (
          let nl = buffer.indexOf('\n');
          nl >= 0;
          nl = buffer.indexOf('\n')
        ) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (data) this.dispatch(event, data);
            event = 'message';
            data = '';
          } else if (line.startsWith(':')) {
            this.opts.state.apply({ type: 'ping' });
          } else if (line.startsWith('event:')) {
            event = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data += line.slice(5).trimStart();
          }
        }
      }
      throw new Error('control plane closed the stream');
    } finally {
      clearTimeout(idle);
    }
  }

  private dispatch(event: string, data: string) {
    const payload = JSON.parse(data);
    let message: EdgeMessage;
    if (event === 'snapshot') message = { type: 'snapshot', snapshot: payload };
    else if (event === 'set') message = { type: 'set', set: payload };
    else if (event === 'keys') message = { type: 'keys', keys: payload.keys };
    else if (event === 'status' && payload.database === 'down')
      message = { type: 'status', database: 'down', since: payload.since };
    else return;
    this.opts.state.apply(message);
    if (message.type === 'snapshot') {
      this.opts.state.connected = true;
      this.log(
        `change stream: snapshot at revision ${message.snapshot.revision} (${message.snapshot.sets.length} flag sets)`,
      );
    }
    this.scheduleSave();
  }

  private scheduleSave() {
    const file = this.opts.snapshotFile;
    if (!file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving
        .then(() =>
          writeSnapshotFile(file, {
            snapshot: this.opts.state.toSnapshot(),
            lastContactMs: this.opts.state.lastContactMs,
          }),
        )
        .catch(e => this.log(`could not persist the snapshot: ${e}`));
    }, 100);
    this.saveTimer.unref();
  }
}
