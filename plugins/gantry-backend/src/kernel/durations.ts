import { InputError } from '@backstage/errors';

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

/**
 * The one duration grammar of Gantry: Prometheus's (y, w, d, h, m, s, ms, largest unit
 * first, combinable: 30d, 4w, 1h30m, 90s). SLO windows, the drift threshold, the incident
 * correlation window and escalation delays all read durations through here.
 *
 * Milliseconds of such a duration; undefined if malformed or zero.
 */
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

/** Like parseDuration, but a malformed or zero duration is a 400 naming where it was written. */
export function requireDuration(text: string, where: string): number {
  const ms = parseDuration(text.trim());
  if (ms === undefined)
    throw new InputError(
      `${where} '${text}' is not a duration; write it as 90s, 15m or 1h.`,
    );
  return ms;
}
