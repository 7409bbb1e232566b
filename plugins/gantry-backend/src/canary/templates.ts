import { z } from 'zod';
import {
  HTTP_ERROR_RATE_QUERY,
  HTTP_P99_LATENCY_QUERY,
  SELECTOR_PLACEHOLDER,
} from '@gantry/plugin-gantry-common';
import { metricConfig, type MetricJudgeConfig } from './judge/config';

export {
  SELECTOR_PLACEHOLDER,
  renderQuery,
} from '@gantry/plugin-gantry-common';

/**
 * A metric template: PromQL in which `${selector}` stands for the label matchers of one
 * side (baseline or canary), e.g. `namespace="shop",service="checkout",
 * rollouts_pod_template_hash="5f7d9c"`. Each side must come back as one series.
 */
export interface MetricTemplate {
  config: MetricJudgeConfig;
  query: string;
}

/**
 * The built-in set (annotation `gantry.dev/canary-analysis: default`): the same
 * metrics, labels and limits as the scaffolded AnalysisTemplate (error rate < 1 %,
 * p99 < 500 ms, per-pod throughput ≥ 95 % of the baseline's).
 */
export const DEFAULT_TEMPLATES: MetricTemplate[] = [
  {
    config: metricConfig({
      name: 'error rate',
      group: 'errors',
      unit: 'ratio',
      direction: 'increase',
      // No requests in a step gives 0/0: no errors either.
      nanStrategy: 'replace',
      guard: { kind: 'max', value: 0.01 },
    }),
    query: HTTP_ERROR_RATE_QUERY,
  },
  {
    config: metricConfig({
      name: 'p99 latency',
      group: 'latency',
      unit: 'seconds',
      direction: 'increase',
      guard: { kind: 'max', value: 0.5 },
    }),
    query: HTTP_P99_LATENCY_QUERY,
  },
  {
    config: metricConfig({
      name: 'throughput per pod',
      group: 'throughput',
      unit: 'perSecond',
      direction: 'decrease',
      guard: { kind: 'minRatioToBaseline', value: 0.95 },
    }),
    query:
      'sum(rate(http_requests_total{${selector}}[1m])) / count(up{${selector}})',
  },
];

const effectSize = z
  .object({
    measure: z.enum(['meanRatio', 'cles']),
    allowedIncrease: z.number().positive(),
    allowedDecrease: z.number().positive(),
    criticalIncrease: z.number().positive(),
    criticalDecrease: z.number().positive(),
  })
  .partial();

/** A template as written in app-config (`gantry.canary.metricSets.<name>`). */
export const metricTemplateSchema = z
  .object({
    name: z.string().min(1),
    group: z.string().min(1).optional(),
    query: z
      .string()
      .refine(q => q.includes(SELECTOR_PLACEHOLDER), {
        message: `must contain ${SELECTOR_PLACEHOLDER} where the baseline's or canary's label matchers go`,
      })
      .refine(q => !/\$\{(?!selector\})/.test(q), {
        message: `only the placeholder ${SELECTOR_PLACEHOLDER} is known`,
      }),
    unit: z.enum(['ratio', 'seconds', 'perSecond', 'none']).optional(),
    direction: z.enum(['increase', 'decrease', 'either']).optional(),
    nanStrategy: z.enum(['remove', 'replace']).optional(),
    outliers: z
      .object({
        strategy: z.enum(['keep', 'remove']).optional(),
        factor: z.number().positive().optional(),
      })
      .optional(),
    critical: z.boolean().optional(),
    mustHaveData: z.boolean().optional(),
    muted: z.boolean().optional(),
    effectSize: effectSize.optional(),
    maxMean: z.number().optional(),
    minRatioToBaseline: z.number().positive().optional(),
  })
  .strict();

export type MetricTemplateInput = z.infer<typeof metricTemplateSchema>;

export function toMetricTemplate(t: MetricTemplateInput): MetricTemplate {
  const {
    query,
    maxMean,
    minRatioToBaseline,
    outliers,
    effectSize: e,
    ...rest
  } = t;
  let guard: MetricJudgeConfig['guard'];
  if (maxMean !== undefined) guard = { kind: 'max', value: maxMean };
  else if (minRatioToBaseline !== undefined)
    guard = { kind: 'minRatioToBaseline', value: minRatioToBaseline };
  return {
    query,
    config: metricConfig({
      ...rest,
      guard,
      outliers: { strategy: 'keep', factor: 3, ...outliers },
      effectSize: e as MetricJudgeConfig['effectSize'] | undefined,
    }),
  };
}
