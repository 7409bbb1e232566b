/**
 * Order statistics of the m·n pairwise ("Walsh") differences xs[i] − ys[j] without
 * materialising them: 10,000 points a side are 10⁸ differences.
 *
 * With xs ascending and ys read descending, row i (xs[i] − ys[n−1−j]) ascends in j and
 * every column ascends in i, so "how many differences are < v" is one staircase walk,
 * O(m + n). Selection keeps, per row, the column range still holding candidates and
 * narrows it Floyd–Rivest style: an evenly spaced sample of the candidates brackets the
 * wanted rank between two sample values (±3σ of the sample rank, found by quickselect),
 * one pass of two staircases counts around them, and the candidates shrink about
 * fifteenfold per round until few enough remain to select from directly. A round that
 * cannot shrink the bracket (heavy ties) splits at the two bracket values themselves,
 * so every round excludes at least those and the search always ends. The sample only
 * steers the search; the answer is exact and independent of it.
 */

// Bound once: inside a vm context (Jest) every global lookup in a hot loop is slow.
const { ceil, floor, max, min, sqrt, imul } = Math;

const SAMPLE = 2048;
const SORT_BELOW = 4096;
const SIGMAS = 3;
// How a round's counts narrow each row's candidate range.
const KEEP_ALL = 0;
const KEEP_BELOW = 1;
const KEEP_ABOVE = 2;
const KEEP_BAND = 3;
const KEEP_BETWEEN = 4;

/** mulberry32: a small seeded PRNG, so the work done is reproducible run to run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rearranges a[from, to) so that a[k] is the value a full sort would put there, with
 * nothing larger before it and nothing smaller after it (Hoare's quickselect,
 * median-of-three pivot). O(length) expected, where sorting would be O(n log n).
 */
function selectInPlace(a: Float64Array, from: number, to: number, k: number) {
  let left = from;
  let right = to - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const p1 = a[left];
    const p2 = a[mid];
    const p3 = a[right];
    const pivot = max(min(p1, p2), min(max(p1, p2), p3));
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

export class PairwiseDifferences {
  private readonly ysDescending: Float64Array;

  /** @param xs ascending, @param ys ascending; both non-empty and finite. */
  // Scratch space of kth, reused: a selection only recurses once it is done with it.
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly below: Int32Array;
  private readonly atMost: Int32Array;
  private readonly prefix: Float64Array;
  private readonly sample = new Float64Array(SAMPLE);

  constructor(private readonly xs: Float64Array, ys: Float64Array) {
    this.ysDescending = Float64Array.from(ys).reverse();
    const m = xs.length;
    this.lo = new Int32Array(m);
    this.hi = new Int32Array(m);
    this.below = new Int32Array(m);
    this.atMost = new Int32Array(m);
    this.prefix = new Float64Array(m + 1);
  }

  get count(): number {
    return this.xs.length * this.ysDescending.length;
  }

  /**
   * Two staircases in one pass: per row, how many differences are < `strictlyBelow`
   * (into `below`) and how many are ≤ `atMostValue` (into `atMost`); returns both totals.
   */
  private countAround(
    strictlyBelow: number,
    atMostValue: number,
    below: Int32Array,
    atMost: Int32Array,
  ): [number, number] {
    const { xs, ysDescending: yd } = this;
    let a = yd.length;
    let b = yd.length;
    let totalBelow = 0;
    let totalAtMost = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      while (a > 0 && x - yd[a - 1] >= strictlyBelow) a--;
      while (b > 0 && x - yd[b - 1] > atMostValue) b--;
      below[i] = a;
      atMost[i] = b;
      totalBelow += a;
      totalAtMost += b;
    }
    return [totalBelow, totalAtMost];
  }

  /** SAMPLE candidates at evenly spaced positions (one random offset) in row order. */
  private drawSample(
    lo: Int32Array,
    prefix: Float64Array,
    total: number,
    offset: number,
    sample: Float64Array,
  ) {
    const { xs, ysDescending: yd } = this;
    const step = total / SAMPLE;
    for (let s = 0, row = 0; s < SAMPLE; s++) {
      const r = floor((s + offset) * step);
      while (prefix[row + 1] <= r) row++;
      sample[s] = xs[row] - yd[lo[row] + (r - prefix[row])];
    }
  }

  /** Sample values bracketing the rank fractions pFrom ≤ pTo with ~3σ to spare. */
  private static bracket(sample: Float64Array, pFrom: number, pTo: number) {
    const spread = (p: number) => SIGMAS * sqrt(SAMPLE * p * (1 - p)) + 2;
    const iLo = max(0, floor(pFrom * SAMPLE - spread(pFrom)));
    const iHi = min(SAMPLE - 1, ceil(pTo * SAMPLE + spread(pTo)));
    selectInPlace(sample, 0, SAMPLE, iLo);
    selectInPlace(sample, iLo, SAMPLE, iHi);
    return [sample[iLo], sample[iHi]];
  }

  private band?: { from: number; to: number; lo: Int32Array; hi: Int32Array };

  /**
   * One shared first round for several selections: narrows to a band holding ranks
   * from…to (both ends of an interval and the median, say), so each later selection
   * inside it starts there instead of from all m·n differences.
   */
  focus(from: number, to: number): void {
    const m = this.xs.length;
    const n = this.ysDescending.length;
    const total = this.count;
    if (total <= SORT_BELOW) return;
    const lo = new Int32Array(m);
    const hi = new Int32Array(m);
    const prefix = new Float64Array(m + 1);
    for (let i = 0; i < m; i++) prefix[i + 1] = prefix[i] + n;
    const sample = new Float64Array(SAMPLE);
    this.drawSample(lo, prefix, total, 0.5, sample);
    const [vLo, vHi] = PairwiseDifferences.bracket(
      sample,
      from / total,
      to / total,
    );
    const [below, atMost] = this.countAround(vLo, vHi, lo, hi);
    if (from > below && to <= atMost) this.band = { from, to, lo, hi };
  }

  /** The k-th smallest difference, k = 1 … m·n. */
  kth(k: number): number {
    return this.kthAndNext(k, false)[0];
  }

  /**
   * The k-th and (k+1)-th smallest differences (k < m·n), found together, for the
   * median of an even number of differences.
   */
  kthPair(k: number): [number, number] {
    return this.kthAndNext(k, true);
  }

  private kthAndNext(k: number, withNext: boolean): [number, number] {
    const { xs, ysDescending: yd } = this;
    const m = xs.length;
    const last = withNext ? k + 1 : k;
    if (!Number.isInteger(k) || k < 1 || last > this.count) {
      throw new RangeError(`rank ${last} is outside 1..${this.count}`);
    }
    const { lo, hi, below, atMost, prefix, sample, band } = this;
    if (band && k >= band.from && last <= band.to) {
      lo.set(band.lo);
      hi.set(band.hi);
    } else {
      lo.fill(0);
      hi.fill(yd.length);
    }
    const random = seededRandom(0x5eed + k);
    // A pivot that is the k-th value may also be the (k+1)-th; otherwise select again.
    const answer = (v: number, atMostV: number): [number, number] =>
      !withNext || last <= atMostV ? [v, v] : [v, this.kth(k + 1)];

    // How the last round's counts narrow each row, applied in the next round's first pass.
    let keep = KEEP_ALL;
    for (;;) {
      let excluded = 0;
      for (let i = 0; i < m; i++) {
        let l = lo[i];
        let h = hi[i];
        if (keep === KEEP_BELOW) h = max(l, min(h, below[i]));
        else if (keep === KEEP_ABOVE) l = min(h, max(l, atMost[i]));
        else if (keep === KEEP_BAND) {
          l = min(h, max(l, below[i]));
          h = max(l, min(h, atMost[i]));
        } else if (keep === KEEP_BETWEEN) {
          l = min(h, max(l, atMost[i]));
          h = max(l, min(h, below[i]));
        }
        lo[i] = l;
        hi[i] = h;
        excluded += l;
        prefix[i + 1] = prefix[i] + (h - l);
      }
      const total = prefix[m];
      const rank = k - excluded;
      if (withNext && rank === total) break;
      if (total <= SORT_BELOW) {
        const candidates = new Float64Array(total);
        let c = 0;
        for (let i = 0; i < m; i++)
          for (let j = lo[i]; j < hi[i]; j++) candidates[c++] = xs[i] - yd[j];
        selectInPlace(candidates, 0, total, rank - 1);
        if (!withNext) return [candidates[rank - 1], candidates[rank - 1]];
        selectInPlace(candidates, rank, total, rank);
        return [candidates[rank - 1], candidates[rank]];
      }

      this.drawSample(lo, prefix, total, random(), sample);
      const p = rank / total;
      const [vLo, vHi] = PairwiseDifferences.bracket(sample, p, p);
      const [belowLo, atMostHi] = this.countAround(vLo, vHi, below, atMost);
      if (k <= belowLo) keep = KEEP_BELOW;
      else if (k > atMostHi) keep = KEEP_ABOVE;
      else if (belowLo > excluded || atMostHi < excluded + total) {
        // The k-th lies in [vLo, vHi], which is fewer than all candidates.
        keep = KEEP_BAND;
      } else {
        // Heavy ties: [vLo, vHi] spans every candidate. Split at the two values themselves.
        const [belowHi, atMostLo] = this.countAround(vHi, vLo, below, atMost);
        if (k <= atMostLo) return answer(vLo, atMostLo);
        if (k > belowHi) {
          const [, atMostV] = this.countAround(vHi, vHi, below, atMost);
          return answer(vHi, atMostV);
        }
        keep = KEEP_BETWEEN;
      }
    }
    // The k-th is the last candidate: the (k+1)-th is the smallest difference above it.
    return [this.kth(k), this.kth(k + 1)];
  }
}
