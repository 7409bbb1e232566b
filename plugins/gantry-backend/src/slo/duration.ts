const UNITS: Array<[string, number]> = [
  ['y', 365 * 86400_000],
  ['w', 7 * 86400_000],
  ['d', 86400_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const DURATION =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration such as 30d, 4w or 1h30m; undefined if malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!text || !m) return undefined;
  const ms = UNITS.reduce(
    (sum, [, mult], i) => sum + Number(m[i + 1] ?? 0) * mult,
    0,
  );
  return ms > 0 ? ms : undefined;
}

/**
 * Prometheus's own rendering (prometheus/common model.Duration.String), which Sloth
 * uses in rule names: years and weeks only when exact, so 28d is "4w" and 30d "30d".
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, mult] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

/**
 * A float as Go's fmt %v and %g print it (what Sloth writes into rule expressions):
 * the shortest round-trip digits, in exponent form when the exponent is < -4 or >= 6.
 */
export function goFloat(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}
