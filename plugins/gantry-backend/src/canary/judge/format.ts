import type { MetricUnit } from './config';

const threeDigits = new Intl.NumberFormat('en-US', {
  maximumSignificantDigits: 3,
});
const significant = (v: number) => threeDigits.format(v);

/** A metric value for a sentence: 2.3 %, 120 ms, 41.5 req/s. */
export function formatValue(v: number | null, unit: MetricUnit): string {
  if (v === null || Number.isNaN(v)) return 'n/a';
  switch (unit) {
    case 'ratio':
      return `${significant(v * 100)} %`;
    case 'seconds':
      return Math.abs(v) < 1
        ? `${significant(v * 1000)} ms`
        : `${significant(v)} s`;
    case 'perSecond':
      return `${significant(v)}/s`;
    default:
      return significant(v);
  }
}

/** A shift, always signed: +120 ms, −0.5 %. */
export function formatShift(v: number, unit: MetricUnit): string {
  const text = formatValue(Math.abs(v), unit);
  if (v > 0) return `+${text}`;
  return v < 0 ? `−${text}` : text;
}

export const formatRatio = (v: number | null) =>
  v === null || Number.isNaN(v) ? 'n/a' : significant(v);
