import { DEFAULT_JUDGE_CONFIG, metricConfig, type JudgeConfig } from './config';
import type { MetricInput } from './classifyMetric';
import { judgeCanary } from './judge';
import { series } from '../__testUtils__/series';

const latency = (canaryLevel: number, seed = 1): MetricInput => ({
  config: metricConfig({
    name: 'p99 latency',
    group: 'latency',
    unit: 'seconds',
    direction: 'increase',
    guard: { kind: 'max', value: 0.5 },
  }),
  baseline: series(40, 0.2, 0.01, seed),
  canary: series(40, canaryLevel, 0.01, seed + 100),
});
const errors = (canaryLevel: number): MetricInput => ({
  config: metricConfig({
    name: 'error rate',
    group: 'errors',
    unit: 'ratio',
    direction: 'increase',
    guard: { kind: 'max', value: 0.01 },
  }),
  baseline: series(40, 0.002, 0.0004, 7),
  canary: series(40, canaryLevel, 0.0004, 8),
});
const throughput = (canaryLevel: number): MetricInput => ({
  config: metricConfig({
    name: 'throughput',
    group: 'throughput',
    unit: 'perSecond',
    direction: 'decrease',
    guard: { kind: 'minRatioToBaseline', value: 0.95 },
  }),
  baseline: series(40, 100, 2, 11),
  canary: series(40, canaryLevel, 2, 12),
});

describe('judgeCanary', () => {
  it('passes a healthy canary with every metric Pass and says so', () => {
    const r = judgeCanary(
      [latency(0.2), errors(0.002), throughput(100)],
      DEFAULT_JUDGE_CONFIG,
    );
    expect(r.metrics.map(m => m.classification)).toEqual([
      'Pass',
      'Pass',
      'Pass',
    ]);
    expect(r).toMatchObject({ verdict: 'Pass', score: 100 });
    expect(r.reason).toBe('Score 100 ≥ 95 (pass). All 3 metrics passed.');
    expect(r.metrics[0].reason).toMatch(
      /^No significant change in p99 latency: shift .* \(98 % interval .*\) does not clear the ±.* tolerance\.$/,
    );
  });

  it('classifies exactly the regressed metric High and fails the canary', () => {
    const r = judgeCanary(
      [latency(0.26), errors(0.002), throughput(100)],
      DEFAULT_JUDGE_CONFIG,
    );
    expect(r.metrics.map(m => m.classification)).toEqual([
      'High',
      'Pass',
      'Pass',
    ]);
    expect(r.score).toBe(66.67);
    expect(r.verdict).toBe('Fail');
    expect(r.reason).toBe(
      'Score 66.67 < 75 (marginal). Not passing: p99 latency High.',
    );
    const s = r.metrics[0].statistics!;
    expect(s.estimate).toBeCloseTo(0.056, 3);
    expect(s.lower).toBeGreaterThan(s.tolerance.upper);
    expect(r.metrics[0].reason).toMatch(
      'p99 latency is higher on the canary: shift +56.3 ms (98 % interval +50.6 ms … +62 ms) clears the ±14.1 ms tolerance, canary/baseline mean ratio 1.28 ≥ allowed 1.',
    );
  });

  it('ignores a change in the harmless direction', () => {
    const r = judgeCanary(
      [latency(0.15), errors(0.002), throughput(120)],
      DEFAULT_JUDGE_CONFIG,
    );
    expect(r.metrics.map(m => m.classification)).toEqual([
      'Pass',
      'Pass',
      'Pass',
    ]);
    expect(r.metrics[0].reason).toMatch(
      /^p99 latency fell .*, but only an increase counts against it\.$/,
    );
  });

  it('lets an allowed effect size pass and flags a throughput drop Low', () => {
    const tolerant = latency(0.215);
    tolerant.config.effectSize.allowedIncrease = 1.1;
    const r = judgeCanary(
      [tolerant, errors(0.002), throughput(90)],
      DEFAULT_JUDGE_CONFIG,
    );
    expect(r.metrics[0].classification).toBe('Pass');
    expect(r.metrics[0].reason).toMatch(
      /^p99 latency rose \(shift \+1\d(\.\d+)? ms .*\), but the canary\/baseline mean ratio 1\.0\d+ is within the allowed 1\.1\.$/,
    );
    expect(r.metrics[2].classification).toBe('Low');
    // Throughput at 90 % of the baseline also breaks its absolute guard.
    expect(r.verdict).toBe('Fail');
    expect(r.reason).toMatch(
      /^Score 66\.67, but the canary breaks an absolute limit, so it fails\. Absolute limits broken: throughput \(canary mean at least 95 % of the baseline's\)\./,
    );
  });

  it('fails on an absolute guard even when the statistics see no change', () => {
    // Both sides at 2 % errors: no shift, but above the 1 % limit (kayenta #426).
    const bad = errors(0.02);
    bad.baseline = series(40, 0.02, 0.0004, 7);
    const r = judgeCanary([bad, latency(0.2)], DEFAULT_JUDGE_CONFIG);
    expect(r.metrics[0].classification).toBe('Pass');
    expect(r.score).toBe(100);
    expect(r.verdict).toBe('Fail');
    expect(r.metrics[0].reason).toMatch(
      /But the canary's mean error rate 2(\.\d+)? % breaks the absolute limit of 1 %\.$/,
    );
  });

  it('scores 0 when a critical metric does not pass', () => {
    const e = errors(0.004);
    e.config.critical = true;
    const r = judgeCanary(
      [e, latency(0.2), throughput(100)],
      DEFAULT_JUDGE_CONFIG,
    );
    expect(r.metrics[0].classification).toBe('High');
    expect(r).toMatchObject({ verdict: 'Fail', score: 0 });
    expect(r.reason).toMatch(/^Critical metric error rate did not pass: /);
  });

  it('reports NoData and scores 0 when half the metrics have no data', () => {
    const a = latency(0.2);
    a.canary = [];
    const b = errors(0.002);
    b.canary = [NaN, NaN];
    const r = judgeCanary([a, b, throughput(100)], DEFAULT_JUDGE_CONFIG);
    expect(r.metrics.map(m => m.classification)).toEqual([
      'NoData',
      'NoData',
      'Pass',
    ]);
    expect(r.metrics[1].reason).toBe(
      'No data for the canary in the window (every point was NaN or an outlier): check that the pods carry the selected labels and receive traffic.',
    );
    expect(r).toMatchObject({ verdict: 'Fail', score: 0 });
    expect(r.reason).toMatch(/^No data for 2 of 3 metrics/);
  });

  it('treats NaN as 0 with nanStrategy replace, and removes outliers when asked', () => {
    const e = errors(0.002);
    e.config.nanStrategy = 'replace';
    e.canary = [...e.baseline.map(() => 0), NaN];
    const l = latency(0.2);
    l.config.outliers = { strategy: 'remove', factor: 3 };
    l.canary = [...l.canary, 30, 45];
    const r = judgeCanary([e, l], DEFAULT_JUDGE_CONFIG);
    expect(r.metrics[0].canary).toMatchObject({ count: 41, removed: 0 });
    // Kayenta keeps everything up to P99, so only the larger of the two spikes goes.
    expect(r.metrics[1].canary).toMatchObject({ count: 41, removed: 1 });
    expect(r.metrics[1].classification).toBe('Pass');
  });

  it('passes identical samples without a test, and judges constant samples exactly', () => {
    const same = latency(0.2);
    same.canary = [...same.baseline];
    const constant = throughput(100);
    constant.baseline = Array(20).fill(100);
    constant.canary = Array(20).fill(80);
    const r = judgeCanary([same, constant], DEFAULT_JUDGE_CONFIG);
    expect(r.metrics[0]).toMatchObject({
      classification: 'Pass',
      reason: 'Canary and baseline are identical (the same points).',
    });
    expect(r.metrics[1].classification).toBe('Low');
    expect(r.metrics[1].statistics).toMatchObject({
      lower: -20,
      upper: -20,
      estimate: -20,
    });
  });

  it('never passes when a metric could not be read', () => {
    const broken: MetricInput = {
      ...errors(0.002),
      error: 'Prometheus at http://127.0.0.1:1 did not answer.',
    };
    const r = judgeCanary([broken, latency(0.2)], DEFAULT_JUDGE_CONFIG);
    expect(r).toMatchObject({ verdict: 'Error', score: 0 });
    expect(r.reason).toBe(
      'Could not judge error rate, so the canary is not passed: Prometheus at http://127.0.0.1:1 did not answer.',
    );
  });

  it('weights groups, leaves muted metrics out, and answers Marginal between thresholds', () => {
    const muted = latency(0.4);
    muted.config.muted = true;
    muted.config.name = 'muted latency';
    const config: JudgeConfig = {
      ...DEFAULT_JUDGE_CONFIG,
      groupWeights: { errors: 20 },
    };
    const slow = latency(0.26);
    const r = judgeCanary([muted, errors(0.002), slow, throughput(100)], {
      ...config,
      thresholds: { pass: 95, marginal: 55 },
    });
    expect(r.groups).toEqual([
      { name: 'errors', score: 100, weight: 20 },
      { name: 'latency', score: 0, weight: 40 },
      { name: 'throughput', score: 100, weight: 40 },
    ]);
    expect(r).toMatchObject({ verdict: 'Marginal', score: 60 });
    expect(r.metrics[0].classification).toBe('High');
  });

  describe('with many tied values', () => {
    /** n points per window, `ones` of them 1 (or the given level), the rest 0, spread evenly. */
    const sparse = (n: number, counts: Record<string, number>) => {
      const values: number[] = [];
      for (const [v, c] of Object.entries(counts))
        for (let i = 0; i < c; i++) values.push(Number(v));
      while (values.length < n) values.push(0);
      return values
        .map((v, i) => ({ v, k: (i * 7919) % n }))
        .sort((a, b) => a.k - b.k)
        .map(x => x.v);
    };
    const metric = (
      name: string,
      direction: 'increase' | 'decrease' | 'either',
      baseline: number[],
      canary: number[],
    ): MetricInput => ({
      config: metricConfig({ name, group: name, direction }),
      baseline,
      canary,
    });
    const judgeOne = (m: MetricInput) =>
      judgeCanary([m], DEFAULT_JUDGE_CONFIG).metrics[0];

    it('fails a canary with 4× the errors although estimate, band and lower bound are all 0', () => {
      const m = judgeOne(
        metric(
          'errors',
          'increase',
          sparse(480, { 1: 16 }),
          sparse(480, { 1: 64 }),
        ),
      );
      const s = m.statistics!;
      expect(s.meanRatio).toBe(4);
      expect(s.pValue).toBeLessThan(1e-7);
      expect([s.estimate, s.lower, s.tolerance.upper]).toEqual([0, 0, 0]);
      expect(s.lowerExcluded).toBe(true);
      expect(m.classification).toBe('High');
      expect(m.reason).toBe(
        'errors is higher on the canary: shift 0 (98 % interval 0 (excluded) … 0) clears the ±0 tolerance, canary/baseline mean ratio 4 ≥ allowed 1.',
      );
      const critical = metric(
        'errors',
        'increase',
        sparse(480, { 1: 16 }),
        sparse(480, { 1: 64 }),
      );
      critical.config.critical = true;
      expect(judgeCanary([critical], DEFAULT_JUDGE_CONFIG)).toMatchObject({
        verdict: 'Fail',
        score: 0,
      });
    });

    it.each([
      ['0/1 counts', { 1: 8 }, { 1: 32 }],
      ['counts 0-3', { 1: 6, 2: 2 }, { 1: 20, 2: 8, 3: 4 }],
      ['error ratios', { 0.01: 4, 0.02: 2 }, { 0.01: 16, 0.02: 8 }],
    ])(
      'flags a rise with ties (%s) High, and the mirror image Low',
      (_, low, high) => {
        const rise = judgeOne(
          metric('m', 'either', sparse(120, low), sparse(120, high)),
        );
        expect(rise.classification).toBe('High');
        expect(rise.statistics).toMatchObject({ lower: 0, estimate: 0 });
        const fall = judgeOne(
          metric('m', 'either', sparse(120, high), sparse(120, low)),
        );
        expect(fall.classification).toBe('Low');
        expect(fall.statistics).toMatchObject({
          upper: 0,
          estimate: 0,
          upperExcluded: true,
        });
        // A decrease does not count against an increase-only metric.
        expect(
          judgeOne(metric('m', 'increase', sparse(120, high), sparse(120, low)))
            .classification,
        ).toBe('Pass');
      },
    );

    it('flags latency quantised into buckets (ties away from 0) High', () => {
      const buckets = (every: number) =>
        Array.from({ length: 120 }, (_, i) => (i % every === 0 ? 0.2 : 0.1));
      const m = judgeOne(metric('p99', 'increase', buckets(16), buckets(4)));
      expect(m.statistics).toMatchObject({ lower: 0, lowerExcluded: true });
      expect(m.classification).toBe('High');
    });

    it('still passes tied samples the test does not tell apart', () => {
      const same = judgeOne(
        metric(
          'errors',
          'either',
          sparse(120, { 1: 8 }),
          sparse(120, { 1: 8 }).reverse(),
        ),
      );
      expect(same.classification).toBe('Pass');
      const slightlyMore = judgeOne(
        metric(
          'errors',
          'either',
          sparse(120, { 1: 8 }),
          sparse(120, { 1: 10 }),
        ),
      );
      expect(slightlyMore.statistics!.pValue).toBeGreaterThan(0.5);
      expect(slightlyMore.statistics).not.toHaveProperty('lowerExcluded');
      expect(slightlyMore.classification).toBe('Pass');
    });
  });
});
