import reference from '../../canary/__fixtures__/mannWhitney.reference.json';
import { mannWhitney } from './mannWhitney';
import { normalCdf, normalQuantile, normalSurvival } from './normal';
import { PairwiseDifferences } from './pairwiseDifferences';
import { averageRanks } from './ranks';
import { sortedCopy } from './sortedCopy';

// Reference values: SciPy's mannwhitneyu for U and p, a brute-force evaluation of R's
// wdiff over every pairwise difference for the interval and estimate, scipy.stats.norm
// for the normal distribution. Regenerate with
//   python3 src/canary/__fixtures__/mann_whitney_reference.py \
//     > src/canary/__fixtures__/mannWhitney.reference.json

/** Equal to 1e-6, relative for magnitudes above 1. */
function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-6 * Math.max(1, Math.abs(expected)),
  );
}

describe('mannWhitney against the recorded reference values', () => {
  it('has at least 30 cases, including ties, constant, tiny and unequal samples', () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(reference.cases.map(c => [c.name, c] as const))('%s', (_, c) => {
    const r = mannWhitney(c.x, c.y, c.confidenceLevel);
    expect(r.u).toBe(c.u);
    expectClose(r.pValue, c.pValue);
    // Small p-values also agree in relative terms, so the normal tail is right.
    expect(
      Math.abs(r.pValue - c.pValue) / Math.max(c.pValue, 1e-300),
    ).toBeLessThan(1e-6);
    expectClose(r.lower, c.lower);
    expectClose(r.upper, c.upper);
    expectClose(r.estimate, c.estimate);
  });

  it.each(
    reference.cases
      .filter(c => 'jointRanks' in c)
      .map(c => [c.name, c as typeof c & { jointRanks: number[] }] as const),
  )('ranks %s with ties like SciPy', (_, c) => {
    expect(Array.from(averageRanks([...c.x, ...c.y]))).toEqual(c.jointRanks);
  });

  it('reproduces Kayenta’s own example (interval [6, 39], estimate 22.5 at 95 %)', () => {
    const r = mannWhitney([10, 20, 30, 40], [1, 2, 3, 4], 0.95);
    expect([r.lower, r.upper, r.estimate]).toEqual([6, 39, 22.5]);
  });
});

// Cody's and Cephes' tails differ by a few dozen ulps far out; both are ~1e-15 accurate.
describe('normal distribution against SciPy', () => {
  it.each(reference.normal.quantile)('quantile($p)', ({ p, x }) => {
    expect(Math.abs(normalQuantile(p) / x - 1) || 0).toBeLessThan(1e-14);
  });
  it.each(reference.normal.cdf)('cdf($x)', ({ x, p, q }) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThanOrEqual(
      1e-13 * Math.max(p, 1e-300),
    );
    expect(Math.abs(normalSurvival(x) - q)).toBeLessThanOrEqual(
      1e-13 * Math.max(q, 1e-300),
    );
  });
});

describe('mannWhitney edge cases', () => {
  it('answers p = 1 and a zero shift when every value ties (where R stops)', () => {
    const r = mannWhitney([2, 2, 2], [2, 2]);
    expect(r).toMatchObject({ pValue: 1, lower: 0, upper: 0, estimate: 0 });
  });

  it('rejects empty samples, non-finite values and bad confidence levels', () => {
    expect(() => mannWhitney([], [1])).toThrow(/at least one value/);
    expect(() => mannWhitney([1, NaN], [1])).toThrow(/finite/);
    expect(() => mannWhitney([1], [Infinity])).toThrow(/finite/);
    expect(() => mannWhitney([1], [2], 1)).toThrow(/between 0 and 1/);
  });

  it('is symmetric: swapping the samples negates the shift', () => {
    const x = [0.31, 0.42, 0.29, 0.55, 0.61, 0.38];
    const y = [0.21, 0.24, 0.35, 0.19, 0.27];
    const a = mannWhitney(x, y);
    const b = mannWhitney(y, x);
    expect(b.estimate).toBeCloseTo(-a.estimate, 12);
    expect(b.lower).toBeCloseTo(-a.upper, 12);
    expect(b.upper).toBeCloseTo(-a.lower, 12);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
  });
});

describe('PairwiseDifferences', () => {
  it('selects every order statistic exactly, ties included', () => {
    const xs = Float64Array.from({ length: 90 }, (_, i) => (i * 7) % 23).sort();
    const ys = Float64Array.from({ length: 70 }, (_, i) => (i * 5) % 17).sort();
    const all = Float64Array.from(
      Array.from(xs).flatMap(x => Array.from(ys, y => x - y)),
    ).sort();
    const d = new PairwiseDifferences(xs, ys);
    for (const k of [1, 2, 77, 3150, 3151, 4000, all.length - 1, all.length]) {
      expect(d.kth(k)).toBe(all[k - 1]);
    }
    expect(d.kthPair(3150)).toEqual([all[3149], all[3150]]);
  });

  it('terminates and stays exact when nearly every difference ties', () => {
    const xs = Float64Array.from({ length: 300 }, (_, i) => (i < 290 ? 0 : 1));
    const ys = Float64Array.from({ length: 200 }, (_, i) => (i < 3 ? -1 : 0));
    const all = Float64Array.from(
      Array.from(xs).flatMap(x => Array.from(ys, y => x - y)),
    ).sort();
    const d = new PairwiseDifferences(xs, ys);
    for (const k of [1, 870, 871, 30000, 59000, 59999]) {
      expect(d.kthPair(k)).toEqual([all[k - 1], all[k]]);
    }
  });
});

describe('sortedCopy', () => {
  it('orders exactly like Float64Array#sort, signs, zeros, extremes and ties included', () => {
    let a = 12345;
    const next = () => {
      a = (a * 16807) % 2147483647;
      return a / 2147483647;
    };
    const inputs = [
      Array.from({ length: 5000 }, () => next() * 2 - 1),
      Array.from({ length: 3000 }, () => Math.round(next() * 50) / 1000),
      [
        ...Array.from({ length: 1000 }, () => (next() - 0.5) * 1e300),
        ...[-0, 0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE],
      ],
      Array.from({ length: 600 }, () => 7),
      Array.from({ length: 40 }, () => next()),
    ];
    for (const values of inputs) {
      const expected = Float64Array.from(values).sort();
      const actual = sortedCopy(values);
      expect(actual.length).toBe(expected.length);
      expect(actual.every((v, i) => Object.is(v, expected[i]))).toBe(true);
    }
  });
});
