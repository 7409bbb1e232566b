// Bound once: inside a vm context (Jest) every global lookup in a hot loop is slow.
const END = Number.POSITIVE_INFINITY;

/**
 * Ranks with ties. Tied values share the average of the ranks they occupy (1-based),
 * as R's `rank()` and SciPy's `rankdata(method='average')` do.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => values[a] - values[b],
  );
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    start = end;
  }
  return ranks;
}

/** Σ(t³ − t) over the groups of equal values of an ascending array: the tie correction term. */
export function tieTerm(sorted: ArrayLike<number>): number {
  let sum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    const t = end - start;
    sum += t * t * t - t;
    start = end;
  }
  return sum;
}

export interface RankSumResult {
  /** Sum of the joint average ranks of the first sample. */
  rankSum: number;
  /** Σ(t³ − t) over the tie groups of the joint sample. */
  tieTerm: number;
}

/**
 * The first sample's rank sum in the joint sample, and the joint tie term, from two
 * ascending arrays in one merge pass (O(m + n), no sort). `shift` is subtracted from
 * every element of `xs` first, as in R's `rank(c(x - d, y))`.
 */
export function rankSumSorted(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  shift = 0,
): RankSumResult {
  let i = 0;
  let j = 0;
  let position = 0;
  let rankSum = 0;
  let ties = 0;
  while (i < xs.length || j < ys.length) {
    const xv = i < xs.length ? xs[i] - shift : END;
    const yv = j < ys.length ? ys[j] : END;
    const v = xv <= yv ? xv : yv;
    let tx = 0;
    while (i < xs.length && xs[i] - shift === v) {
      tx++;
      i++;
    }
    let ty = 0;
    while (j < ys.length && ys[j] === v) {
      ty++;
      j++;
    }
    const t = tx + ty;
    rankSum += tx * (position + (t + 1) / 2);
    ties += t * t * t - t;
    position += t;
  }
  return { rankSum, tieTerm: ties };
}
