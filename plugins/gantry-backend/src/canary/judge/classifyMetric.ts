import type {
  CanaryGuardResult,
  CanaryMetricClassification,
  CanaryMetricResult,
  CanaryMetricStatistics,
  CanarySampleSummary,
} from '@gantry/plugin-gantry-common';
import {
  mean,
  quantileSorted,
  removeOutliers,
} from '../../kernel/stats/descriptive';
import { mannWhitneySorted } from '../../kernel/stats/mannWhitney';
import { sortedCopy } from '../../kernel/stats/sortedCopy';
import type { JudgeConfig, MetricJudgeConfig } from './config';
import { formatRatio, formatShift, formatValue } from './format';

/** One metric's samples over the analysis window, or why they could not be read. */
export interface MetricInput {
  config: MetricJudgeConfig;
  baseline: number[];
  canary: number[];
  /** Set when the samples could not be read (bad template, Prometheus down). */
  error?: string;
}

// Bound once: inside a vm context (Jest) every global lookup in a hot loop is slow.
const { isFinite } = Number;

const QUANTILE_STEPS = Array.from({ length: 21 }, (_, i) => i / 20);

function clean(values: number[], config: MetricJudgeConfig) {
  const finite =
    config.nanStrategy === 'replace'
      ? values.map(v => (isFinite(v) ? v : 0))
      : values.filter(v => isFinite(v));
  const kept =
    config.outliers.strategy === 'remove'
      ? removeOutliers(finite, config.outliers.factor)
      : finite;
  const sorted = sortedCopy(kept);
  const summary: CanarySampleSummary = {
    count: kept.length,
    removed: values.length - kept.length,
    mean: kept.length ? mean(kept) : null,
    quantiles: kept.length
      ? QUANTILE_STEPS.map(p => quantileSorted(sorted, p))
      : [],
  };
  return { values: kept, sorted, summary };
}

function evaluateGuard(
  config: MetricJudgeConfig,
  canaryMean: number | null,
  baselineMean: number | null,
): CanaryGuardResult | undefined {
  const guard = config.guard;
  if (!guard || canaryMean === null) return undefined;
  if (guard.kind === 'max') {
    return {
      description: `canary mean below ${formatValue(guard.value, config.unit)}`,
      value: canaryMean,
      threshold: guard.value,
      passed: canaryMean < guard.value,
    };
  }
  const ratio = baselineMean ? canaryMean / baselineMean : null;
  return {
    description: `canary mean at least ${formatRatio(
      guard.value * 100,
    )} % of the baseline's`,
    value: ratio,
    threshold: guard.value,
    passed: ratio === null || ratio >= guard.value,
  };
}

function guardSentence(config: MetricJudgeConfig, g: CanaryGuardResult) {
  return config.guard?.kind === 'max'
    ? `the canary's mean ${config.name} ${formatValue(
        g.value,
        config.unit,
      )} breaks the absolute limit of ${formatValue(g.threshold, config.unit)}`
    : `the canary's mean ${config.name} is ${formatRatio(
        (g.value ?? 0) * 100,
      )} % of the baseline's, below the required ${formatRatio(
        g.threshold * 100,
      )} %`;
}

/**
 * Kayenta's Mann–Whitney classifier (NetflixACAJudge-v1.0) for one metric, plus the
 * metric's absolute guard. Deliberate differences from Kayenta:
 * - a side without data is NoData even with nanStrategy replace;
 * - both sides constant is judged exactly instead of with random noise;
 * - the interval's bounds are the exact jump points of the step function W (Kayenta's
 *   Brent solver stops within 1e-4 of them), and a bound the test itself rejects is
 *   excluded from the interval. Kayenta's solver lands just inside such a bound, so with
 *   heavy ties (mostly-zero counts: estimate 0, band ±0, bound 0) it says High where
 *   comparing the bound with `>` alone would say Pass; excluding the bound says High too;
 * - every result carries the sentence that explains it.
 */
export function classifyMetric(
  input: MetricInput,
  judge: JudgeConfig,
): CanaryMetricResult {
  const { config } = input;
  const baseline = clean(input.baseline, config);
  const canary = clean(input.canary, config);
  const base = {
    name: config.name,
    group: config.group,
    unit: config.unit,
    direction: config.direction,
    critical: config.critical,
    muted: config.muted,
    baseline: baseline.summary,
    canary: canary.summary,
  };
  const result = (
    classification: CanaryMetricClassification,
    reason: string,
    extra: Partial<CanaryMetricResult> = {},
  ): CanaryMetricResult => ({ ...base, classification, reason, ...extra });

  if (input.error) return result('Error', input.error);
  const missing = [
    !canary.values.length && 'the canary',
    !baseline.values.length && 'the baseline',
  ].filter(Boolean);
  if (missing.length) {
    return result(
      'NoData',
      `No data for ${missing.join(' or ')} in the window${
        input.canary.length + input.baseline.length
          ? ' (every point was NaN or an outlier)'
          : ''
      }: check that the pods carry the selected labels and receive traffic.`,
    );
  }

  const guard = evaluateGuard(
    config,
    canary.summary.mean,
    baseline.summary.mean,
  );
  const meanRatio =
    baseline.summary.mean && canary.summary.mean
      ? canary.summary.mean / baseline.summary.mean
      : null;

  const sameValues =
    canary.sorted.length === baseline.sorted.length &&
    canary.sorted.every((v, i) => v === baseline.sorted[i]);
  const oneValue =
    canary.sorted[0] === canary.sorted[canary.sorted.length - 1] &&
    baseline.sorted[0] === baseline.sorted[baseline.sorted.length - 1] &&
    canary.sorted[0] === baseline.sorted[0];
  if (sameValues || oneValue) {
    const failedGuard = guard && !guard.passed;
    return result(
      'Pass',
      `Canary and baseline are identical (${
        oneValue
          ? `every point is ${formatValue(canary.sorted[0], config.unit)}`
          : 'the same points'
      }).${failedGuard ? ` But ${guardSentence(config, guard)}.` : ''}`,
      { guard },
    );
  }

  const mw = mannWhitneySorted(
    canary.sorted,
    baseline.sorted,
    judge.confidenceLevel,
  );
  const band = judge.tolerance * Math.abs(mw.estimate);
  const { effectSize } = config;
  const effect =
    effectSize.measure === 'cles'
      ? mw.u / (canary.values.length * baseline.values.length)
      : meanRatio;
  const statistics: CanaryMetricStatistics = {
    u: mw.u,
    pValue: mw.pValue,
    confidenceLevel: mw.confidenceLevel,
    lower: mw.lower,
    upper: mw.upper,
    estimate: mw.estimate,
    ...(mw.lowerExcluded ? { lowerExcluded: true } : {}),
    ...(mw.upperExcluded ? { upperExcluded: true } : {}),
    tolerance: { lower: -band, upper: band },
    effectSize: {
      measure: effectSize.measure,
      value: effect,
      allowedIncrease: effectSize.allowedIncrease,
      allowedDecrease: effectSize.allowedDecrease,
    },
    meanRatio,
  };

  const unit = config.unit;
  // Said only where it decides: a bound on the tolerance's edge that the test rejects.
  const lowerOpen = mw.lowerExcluded && mw.lower === band;
  const upperOpen = mw.upperExcluded && mw.upper === -band;
  const interval = `${Math.round(
    mw.confidenceLevel * 100,
  )} % interval ${formatShift(mw.lower, unit)}${
    lowerOpen ? ' (excluded)' : ''
  } … ${formatShift(mw.upper, unit)}${upperOpen ? ' (excluded)' : ''}`;
  const shift = `shift ${formatShift(mw.estimate, unit)} (${interval})`;
  const effectName =
    effectSize.measure === 'cles' ? 'CLES' : 'canary/baseline mean ratio';
  // An end point the test rejects is outside the interval: with many ties (mostly-zero
  // error counts) the estimate, the band and the lower bound can all be exactly 0 while
  // the test rejects "no shift", and `0 > 0` alone would pass a canary with 4× the errors.
  const rose = mw.lower > band || lowerOpen;
  const fell = mw.upper < -band || upperOpen;
  const counts = (dir: 'increase' | 'decrease') =>
    config.direction === 'either' || config.direction === dir;
  const largeEnough = (dir: 'increase' | 'decrease') =>
    effect === null ||
    (dir === 'increase'
      ? effect >= effectSize.allowedIncrease
      : effect <= effectSize.allowedDecrease);

  let classification: CanaryMetricClassification = 'Pass';
  let reason: string;
  if (rose && counts('increase') && largeEnough('increase')) {
    classification = 'High';
    reason = `${
      config.name
    } is higher on the canary: ${shift} clears the ±${formatValue(
      band,
      unit,
    )} tolerance, ${effectName} ${formatRatio(effect)} ≥ allowed ${formatRatio(
      effectSize.allowedIncrease,
    )}.`;
  } else if (fell && counts('decrease') && largeEnough('decrease')) {
    classification = 'Low';
    reason = `${
      config.name
    } is lower on the canary: ${shift} clears the ±${formatValue(
      band,
      unit,
    )} tolerance, ${effectName} ${formatRatio(effect)} ≤ allowed ${formatRatio(
      effectSize.allowedDecrease,
    )}.`;
  } else if (rose || fell) {
    const dir = rose ? 'increase' : 'decrease';
    reason = !counts(dir)
      ? `${config.name} ${rose ? 'rose' : 'fell'} (${shift}), but only a${
          config.direction === 'increase' ? 'n increase' : ' decrease'
        } counts against it.`
      : `${config.name} ${
          rose ? 'rose' : 'fell'
        } (${shift}), but the ${effectName} ${formatRatio(
          effect,
        )} is within the allowed ${formatRatio(
          rose ? effectSize.allowedIncrease : effectSize.allowedDecrease,
        )}.`;
  } else {
    reason = `No significant change in ${
      config.name
    }: ${shift} does not clear the ±${formatValue(band, unit)} tolerance.`;
  }
  if (guard && !guard.passed) reason += ` But ${guardSentence(config, guard)}.`;
  return result(classification, reason, { statistics, guard });
}

/** Whether a result fails its analysis outright (Kayenta's critical rule). */
export function failsCritically(
  r: CanaryMetricResult,
  config: MetricJudgeConfig,
): boolean {
  if (!config.critical || r.classification === 'Pass') return false;
  if (r.classification === 'NoData' || r.classification === 'Error')
    return true;
  const effect = r.statistics?.effectSize.value ?? null;
  if (effect === null) return true;
  return r.classification === 'High'
    ? effect >= config.effectSize.criticalIncrease
    : effect <= config.effectSize.criticalDecrease;
}
