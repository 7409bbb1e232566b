/** How one metric of a canary compares with its baseline. */
export type CanaryMetricClassification =
  | 'Pass'
  | 'High'
  | 'Low'
  | 'NoData'
  | 'Error';

/** The outcome of a canary analysis, as Argo Rollouts reads it (`result.verdict`). */
export type CanaryVerdict = 'Pass' | 'Marginal' | 'Fail' | 'Error';

/** Which change of a metric is bad. */
export type CanaryDirection = 'increase' | 'decrease' | 'either';

export type CanaryEffectSizeMeasure = 'meanRatio' | 'cles';

/** One side (baseline or canary) of a metric after NaN handling and outlier removal. */
export interface CanarySampleSummary {
  /** Points judged. */
  count: number;
  /** Points dropped: NaN (with nanStrategy remove) and outliers. */
  removed: number;
  mean: number | null;
  /** R-7 quantiles at 0, 5, 10, … 100 % (21 values; empty without data): the distribution. */
  quantiles: number[];
}

export interface CanaryMetricStatistics {
  /** Mann–Whitney U of the canary. */
  u: number;
  pValue: number;
  confidenceLevel: number;
  /** Confidence interval for the shift canary − baseline. */
  lower: number;
  upper: number;
  /** Hodges–Lehmann estimate of the shift canary − baseline. */
  estimate: number;
  /** Set when the test rejects a shift equal to `lower` (`upper`): the interval is open there. */
  lowerExcluded?: boolean;
  upperExcluded?: boolean;
  /** The interval must clear ± tolerance·|estimate| to count as a change. */
  tolerance: { lower: number; upper: number };
  effectSize: {
    measure: CanaryEffectSizeMeasure;
    value: number | null;
    allowedIncrease: number;
    allowedDecrease: number;
  };
  /** mean(canary) / mean(baseline); null if a mean is 0. */
  meanRatio: number | null;
}

/** An absolute limit the canary must meet whatever the statistics say. */
export interface CanaryGuardResult {
  description: string;
  value: number | null;
  threshold: number;
  passed: boolean;
}

/** How a metric's values read: a ratio (shown as %), seconds, a rate per second, or plain. */
export type CanaryMetricUnit = 'ratio' | 'seconds' | 'perSecond' | 'none';

export interface CanaryMetricResult {
  name: string;
  group: string;
  unit: CanaryMetricUnit;
  direction: CanaryDirection;
  classification: CanaryMetricClassification;
  /** A critical metric that did not pass fails the whole analysis. */
  critical: boolean;
  muted: boolean;
  /** Why it was classified so, in one sentence. */
  reason: string;
  baseline: CanarySampleSummary;
  canary: CanarySampleSummary;
  statistics?: CanaryMetricStatistics;
  guard?: CanaryGuardResult;
  /** The PromQL that was run for each side. */
  queries?: { baseline: string; canary: string };
}

export interface CanaryGroupScore {
  name: string;
  /** 0–100: share of the group's judged metrics that passed. */
  score: number;
  /** Share of the summary score, 0–100. */
  weight: number;
}

export interface CanaryAnalysis {
  id: string;
  entityRef: string;
  rollout: { namespace: string; name: string };
  /** Index of the Rollout step that asked for the analysis. */
  step: number;
  baselineHash: string;
  canaryHash: string;
  window: { start: string; end: string; stepSeconds: number };
  verdict: CanaryVerdict;
  /** 0–100, the weighted group pass ratios (0 if a critical metric failed). */
  score: number;
  thresholds: { pass: number; marginal: number };
  /** Why the verdict is what it is, in a sentence or two. */
  reason: string;
  groups: CanaryGroupScore[];
  metrics: CanaryMetricResult[];
  requestedBy: string;
  createdAt: string;
  /** The service's traces of the analysis window (annotation gantry.dev/tracing-url), when set. */
  traceUrl?: string;
}

/** What the Argo Rollouts web metric reads; `verdict` drives successCondition. */
export type CanaryJudgeResponse = CanaryAnalysis & {
  /** True when this rollout step was judged before and the stored verdict is returned. */
  replayed: boolean;
};

export interface CanaryAnalysisList {
  items: CanaryAnalysis[];
}
