/**
 * A one-second fixed window per client key, per replica: enough to stop one runaway
 * client from starving the others, and it answers how long to wait (Retry-After).
 */
export class RateLimiter {
  private readonly windows = new Map<
    string,
    { start: number; count: number }
  >();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait, or 0 when the request may go ahead. */
  take(id: string): number {
    const t = this.now();
    const w = this.windows.get(id);
    if (!w || t - w.start >= 1000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(id, { start: t, count: 1 });
      return 0;
    }
    w.count += 1;
    return w.count > this.perSecond ? 1 : 0;
  }
}
