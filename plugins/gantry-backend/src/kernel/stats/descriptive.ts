/** Arithmetic mean; NaN for an empty array. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : NaN;
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of an ascending array by linear interpolation between
 * order statistics: R's default type 7 and NumPy's default.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Keeps the points inside [min(P1, Q1 − k·IQR), max(P99, Q3 + k·IQR)], Kayenta's
 * outlier rule (the percentiles stop it from trimming tight distributions).
 */
export function removeOutliers(values: number[], factor: number): number[] {
  if (values.length < 4) return values;
  const sorted = Float64Array.from(values).sort();
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const low = Math.min(quantileSorted(sorted, 0.01), q1 - factor * iqr);
  const high = Math.max(quantileSorted(sorted, 0.99), q3 + factor * iqr);
  return values.filter(v => v >= low && v <= high);
}
