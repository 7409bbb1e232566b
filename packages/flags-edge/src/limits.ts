/**
 * A one-second fixed window per id, with a bounded number of ids: once `maxIds` are
 * tracked in the current second, further new ids share one overflow window, so a flood
 * of distinct ids cannot grow memory.
 */
export class WindowLimiter {
  private windows = new Map<string, number>();
  private windowStart = 0;
  private overflow = 0;

  constructor(
    private readonly perSecond: number,
    private readonly maxIds = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait (Retry-After), or 0 when the request may go ahead. */
  take(id: string): number {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t - (t % 1000);
      this.windows = new Map();
      this.overflow = 0;
    }
    let count = this.windows.get(id);
    if (count === undefined) {
      if (this.windows.size >= this.maxIds) {
        this.overflow += 1;
        return this.overflow > this.perSecond ? 1 : 0;
      }
      count = 0;
    }
    count += 1;
    this.windows.set(id, count);
    return count > this.perSecond ? 1 : 0;
  }

  get trackedIds(): number {
    return this.windows.size;
  }
}

/**
 * Nesting depth of a JSON text (arrays and objects), stopping as soon as it passes
 * `limit`. Scanning the text is cheaper than walking the parsed value and cannot
 * overflow the stack the way recursive consumers of a deep value (canonicalization,
 * JsonLogic) would.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}
