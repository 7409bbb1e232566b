/** 0.8368 -> "83.7 %"; null -> "—". */
export const formatPercent = (ratio: number | null, digits = 1) =>
  ratio === null ? '—' : `${(ratio * 100).toFixed(digits)} %`;

/** Error ratios are small: two significant digits, 0.000837 -> "0.084 %". */
export const formatErrorRatio = (ratio: number | null) =>
  ratio === null ? '—' : `${Number((ratio * 100).toPrecision(2))} %`;

/** 14.4 -> "14.4×", 0.7014 -> "0.70×". */
export const formatBurnRate = (rate: number | null) =>
  rate === null ? '—' : `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)}×`;

/** 43.2 -> "43 min", 200 -> "3 h 20 min", 4320 -> "3.0 d". */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  const sign = minutes < 0 ? '−' : '';
  const m = Math.abs(minutes);
  if (m >= 2 * 1440) return `${sign}${(m / 1440).toFixed(1)} d`;
  if (m >= 60) {
    const h = Math.floor(m / 60);
    const rest = Math.round(m - h * 60);
    return `${sign}${h} h${rest ? ` ${rest} min` : ''}`;
  }
  return `${sign}${Math.round(m)} min`;
}
