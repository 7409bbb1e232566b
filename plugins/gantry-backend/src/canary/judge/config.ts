import type {
  CanaryDirection,
  CanaryEffectSizeMeasure,
  CanaryMetricUnit,
} from '@gantry/plugin-gantry-common';
import { DEFAULT_CONFIDENCE_LEVEL } from '../../kernel/stats/mannWhitney';

/** How values of a metric are shown in sentences and the UI. */
export type MetricUnit = CanaryMetricUnit;

/**
 * An absolute limit on the canary's mean, checked whatever the statistics say (they
 * miss sparse errors and variance increases, spinnaker/kayenta #426 and #780).
 */
type MetricGuard =
  | { kind: 'max'; value: number }
  | { kind: 'minRatioToBaseline'; value: number };

/** How one metric is judged (Kayenta's `analysisConfigurations.canary`). */
export interface MetricJudgeConfig {
  name: string;
  group: string;
  unit: MetricUnit;
  direction: CanaryDirection;
  /** remove: drop NaN points; replace: count them as 0. */
  nanStrategy: 'remove' | 'replace';
  outliers: { strategy: 'keep' | 'remove'; factor: number };
  /** A critical metric that does not pass fails the whole analysis. */
  critical: boolean;
  /** No data counts as a failed metric instead of being left out of the score. */
  mustHaveData: boolean;
  /** Shown, but left out of the score and the verdict. */
  muted: boolean;
  effectSize: {
    measure: CanaryEffectSizeMeasure;
    allowedIncrease: number;
    allowedDecrease: number;
    criticalIncrease: number;
    criticalDecrease: number;
  };
  guard?: MetricGuard;
}

export interface JudgeConfig {
  confidenceLevel: number;
  /** The interval must clear ± tolerance·|estimate| (Kayenta: 0.25). */
  tolerance: number;
  thresholds: { pass: number; marginal: number };
  /** Percent of the score per group; groups without a weight share the rest equally. */
  groupWeights: Record<string, number>;
}

export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  confidenceLevel: DEFAULT_CONFIDENCE_LEVEL,
  tolerance: 0.25,
  thresholds: { pass: 95, marginal: 75 },
  groupWeights: {},
};

/** Kayenta's per-metric defaults: either direction, NaN removed, outliers kept. */
export function metricConfig(
  partial: Pick<MetricJudgeConfig, 'name'> & Partial<MetricJudgeConfig>,
): MetricJudgeConfig {
  const measure = partial.effectSize?.measure ?? 'meanRatio';
  const neutral = measure === 'cles' ? 0.5 : 1;
  return {
    group: partial.name,
    unit: 'none',
    direction: 'either',
    nanStrategy: 'remove',
    critical: false,
    mustHaveData: false,
    muted: false,
    ...partial,
    outliers: { strategy: 'keep', factor: 3, ...partial.outliers },
    effectSize: {
      allowedIncrease: neutral,
      allowedDecrease: neutral,
      criticalIncrease: neutral,
      criticalDecrease: neutral,
      ...partial.effectSize,
      measure,
    },
  };
}
