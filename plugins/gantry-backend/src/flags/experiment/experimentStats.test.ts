import reference from '../__fixtures__/experiment.reference.json';
import { chiSquareSurvival } from './chiSquare';
import { evaluateExperiment } from './evaluateExperiment';
import {
  requiredSampleSize,
  sampleRatioTest,
  twoProportionZTest,
  wilsonInterval,
} from './experimentStats';

/** Relative error, measured against `floor` where the expected value is near 0. */
const relError = (actual: number, expected: number, floor = 1e-300) =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), floor);

describe('experiment statistics against SciPy', () => {
  it.each(reference.wilson)(
    'Wilson interval $x/$n at $confidence',
    ({ x, n, confidence, interval }) => {
      const [lo, hi] = wilsonInterval(x, n, confidence);
      expect(relError(lo, interval[0], 1e-6)).toBeLessThan(1e-9);
      expect(relError(hi, interval[1])).toBeLessThan(1e-9);
    },
  );

  it.each(reference.zTest)(
    'two-proportion z-test $x1/$n1 vs $x2/$n2',
    ({ x1, n1, x2, n2, z, pValue }) => {
      const t = twoProportionZTest(x1, n1, x2, n2);
      expect(relError(t.z, z)).toBeLessThan(1e-9);
      expect(relError(t.pValue, pValue)).toBeLessThan(1e-8);
    },
  );

  it.each(reference.sampleRatio)(
    'sample ratio $observed against $shares',
    ({ observed, shares, chiSquare, pValue }) => {
      const t = sampleRatioTest(observed, shares);
      expect(relError(t.chiSquare, chiSquare)).toBeLessThan(1e-9);
      expect(t.degreesOfFreedom).toBe(observed.length - 1);
      expect(relError(t.pValue, pValue)).toBeLessThan(1e-9);
    },
  );

  it.each(reference.chiSquareSurvival)(
    'chi-square survival x=$x df=$df',
    ({ x, df, p }) =>
      expect(relError(chiSquareSurvival(x, df), p)).toBeLessThan(1e-9),
  );

  it.each(reference.sampleSize)(
    'sample size for baseline $baseline, mde $mde, alpha $alpha, power $power',
    ({ baseline, mde, alpha, power, n }) =>
      expect(requiredSampleSize({ baseline, mde, alpha, power })).toBe(n),
  );
});

describe('evaluateExperiment', () => {
  const config = {
    conversionEvent: 'checkout_completed',
    controlVariant: 'off',
    minimumDetectableEffect: 0.05,
    alpha: 0.05,
    power: 0.8,
  };

  it('declares the better treatment the winner once both arms have the sample size', () => {
    const r = evaluateExperiment({
      config: { ...config, baselineRate: 0.1 },
      variants: ['on', 'off'],
      counts: {
        off: { exposures: 1000, conversions: 100 },
        on: { exposures: 1000, conversions: 130 },
      },
      split: { on: 50, off: 50 },
    });
    const ref = reference.zTest[0];
    const on = r.variants.find(v => v.variant === 'on')!;
    expect(relError(on.comparison!.pValue, ref.pValue)).toBeLessThan(1e-8);
    expect(on.comparison!.significant).toBe(true);
    expect(relError(on.comparison!.relativeLift!, 0.3)).toBeLessThan(1e-9);
    expect(r.requiredSampleSize).toBe(reference.sampleSize[1].n);
    expect(r.sampleRatio!.mismatch).toBe(false);
    expect(r.decision).toMatchObject({ status: 'winner', winner: 'on' });
  });

  it('keeps collecting while an arm is below the minimum sample', () => {
    const r = evaluateExperiment({
      config: { ...config, baselineRate: 0.1 },
      variants: ['on', 'off'],
      counts: {
        off: { exposures: 500, conversions: 50 },
        on: { exposures: 500, conversions: 90 },
      },
      split: { on: 50, off: 50 },
    });
    expect(r.decision.status).toBe('collecting');
    expect(r.decision.message).toContain('686');
  });

  it('refuses a winner when exposures do not match the split', () => {
    const r = evaluateExperiment({
      config,
      variants: ['on', 'off'],
      counts: {
        off: { exposures: 4800, conversions: 480 },
        on: { exposures: 5200, conversions: 700 },
      },
      split: { on: 50, off: 50 },
    });
    expect(
      relError(r.sampleRatio!.pValue, reference.sampleRatio[2].pValue),
    ).toBeLessThan(1e-9);
    expect(r.sampleRatio!.mismatch).toBe(true);
    expect(r.decision.status).toBe('sample-ratio-mismatch');
  });

  it('splits alpha over the comparisons and says when nothing differs', () => {
    const r = evaluateExperiment({
      config: { ...config, baselineRate: 0.1, minimumDetectableEffect: 0.1 },
      variants: ['a', 'b', 'off'],
      counts: {
        off: { exposures: 300, conversions: 30 },
        a: { exposures: 300, conversions: 33 },
        b: { exposures: 300, conversions: 29 },
      },
    });
    expect(r.comparisonAlpha).toBe(0.025);
    expect(r.sampleRatio).toBeUndefined();
    expect(r.sampleRatioNote).toMatch(/no fractional split/);
    expect(r.decision.status).toBe('inconclusive');
  });

  it('reports no data before the first exposure', () => {
    const r = evaluateExperiment({
      config,
      variants: ['on', 'off'],
      counts: {},
      split: { on: 50, off: 50 },
    });
    expect(r.decision.status).toBe('no-data');
    expect(r.requiredSampleSize).toBeUndefined();
    expect(r.variants.map(v => v.interval)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});
