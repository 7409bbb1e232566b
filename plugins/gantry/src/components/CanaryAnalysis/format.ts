import type { CanaryMetricUnit } from '@gantry/plugin-gantry-common';

const threeDigits = new Intl.NumberFormat('en-US', {
  maximumSignificantDigits: 3,
});

/** A metric value as people read it: 2.3 %, 120 ms, 41.5/s. */
export function formatMetric(
  v: number | null | undefined,
  unit: CanaryMetricUnit,
): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  switch (unit) {
    case 'ratio':
      return `${threeDigits.format(v * 100)} %`;
    case 'seconds':
      return Math.abs(v) < 1
        ? `${threeDigits.format(v * 1000)} ms`
        : `${threeDigits.format(v)} s`;
    case 'perSecond':
      return `${threeDigits.format(v)}/s`;
    default:
      return threeDigits.format(v);
  }
}

/** A shift with its sign: +56 ms, −0.4 %. */
export function formatShift(v: number, unit: CanaryMetricUnit): string {
  const text = formatMetric(Math.abs(v), unit);
  if (v > 0) return `+${text}`;
  return v < 0 ? `−${text}` : text;
}

export const formatNumber = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : threeDigits.format(v);

export function formatPValue(p: number): string {
  if (p < 0.0001) return '< 0.0001';
  return threeDigits.format(p);
}
