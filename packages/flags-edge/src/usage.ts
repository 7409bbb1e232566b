import type { EdgeUsageBatch } from './protocol';

type Count = EdgeUsageBatch['counts'][number];

/**
 * Evaluation counts and key use, aggregated in memory per flag, variant and usage
 * bucket; `drain()` hands them over as one batch and starts afresh.
 */
export class UsageAggregator {
  private counts = new Map<string, Count>();
  private keysUsed = new Map<string, number>();

  constructor(
    private readonly bucketMinutes: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  private bucketMs = -1;
  private bucketText = '';

  /** The bucket's start as ISO text, formatted once per bucket rather than per request. */
  private bucket(t: number) {
    const ms = this.bucketMinutes() * 60_000;
    const start = Math.floor(t / ms) * ms;
    if (start !== this.bucketMs) {
      this.bucketMs = start;
      this.bucketText = new Date(start).toISOString();
    }
    return this.bucketText;
  }

  record(entityRef: string, environment: string, key: string, variant: string) {
    const bucketStart = this.bucket(this.now());
    const id = `${entityRef}\u0000${environment}\u0000${key}\u0000${variant}\u0000${bucketStart}`;
    const hit = this.counts.get(id);
    if (hit) hit.count += 1;
    else
      this.counts.set(id, {
        entityRef,
        environment,
        key,
        variant,
        bucketStart,
        count: 1,
      });
  }

  keyUsed(id: string) {
    this.keysUsed.set(id, this.now());
  }

  get pending(): number {
    return this.counts.size + this.keysUsed.size;
  }

  drain(): EdgeUsageBatch {
    const batch: EdgeUsageBatch = {
      counts: [...this.counts.values()],
      keysUsed: [...this.keysUsed].map(([id, t]) => ({
        id,
        at: new Date(t).toISOString(),
      })),
    };
    this.counts = new Map();
    this.keysUsed = new Map();
    return batch;
  }

  /** Puts a batch that could not be shipped back, to go with the next one. */
  restore(batch: EdgeUsageBatch) {
    for (const c of batch.counts) {
      const id = `${c.entityRef}\u0000${c.environment}\u0000${c.key}\u0000${c.variant}\u0000${c.bucketStart}`;
      const hit = this.counts.get(id);
      if (hit) hit.count += c.count;
      else this.counts.set(id, { ...c });
    }
    for (const k of batch.keysUsed) {
      const t = Date.parse(k.at);
      if ((this.keysUsed.get(k.id) ?? 0) < t) this.keysUsed.set(k.id, t);
    }
  }
}
