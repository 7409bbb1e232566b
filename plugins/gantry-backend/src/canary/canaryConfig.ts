import type { Config } from '@backstage/config';
import { DEFAULT_JUDGE_CONFIG, type JudgeConfig } from './judge/config';
import { metricTemplateSchema, type MetricTemplateInput } from './templates';

export interface CanaryConfig {
  judge: JudgeConfig;
  /**
   * Named metric sets from `gantry.canary.metricSets`, kept raw: a broken one shows as an
   * explained Error verdict on the entities that use it, not as a backend that won't start.
   */
  metricSets: Record<string, unknown[]>;
}

/**
 * Reads `gantry.canary`:
 * ```yaml
 * gantry:
 *   canary:
 *     confidenceLevel: 0.98        # of the Mann-Whitney interval
 *     thresholds: { pass: 95, marginal: 75 }
 *     groupWeights: { errors: 50 }
 *     metricSets:
 *       jvm:                       # gantry.dev/canary-analysis: jvm
 *         - name: heap used
 *           query: sum(jvm_memory_used_bytes{${selector},area="heap"})
 *           direction: increase
 * ```
 */
export function readCanaryConfig(config: Config): CanaryConfig {
  const c = config.getOptionalConfig('gantry.canary');
  const sets = c?.getOptionalConfig('metricSets');
  return {
    judge: {
      ...DEFAULT_JUDGE_CONFIG,
      confidenceLevel:
        c?.getOptionalNumber('confidenceLevel') ??
        DEFAULT_JUDGE_CONFIG.confidenceLevel,
      thresholds: {
        pass:
          c?.getOptionalNumber('thresholds.pass') ??
          DEFAULT_JUDGE_CONFIG.thresholds.pass,
        marginal:
          c?.getOptionalNumber('thresholds.marginal') ??
          DEFAULT_JUDGE_CONFIG.thresholds.marginal,
      },
      groupWeights: (c?.getOptional('groupWeights') ?? {}) as Record<
        string,
        number
      >,
    },
    metricSets: Object.fromEntries(
      (sets?.keys() ?? []).map(k => [k, sets!.get<unknown[]>(k)]),
    ),
  };
}

/** Validates one named set; throws a sentence naming the set and the bad fields. */
export function parseMetricSet(
  name: string,
  raw: unknown,
): MetricTemplateInput[] {
  const r = metricTemplateSchema.array().min(1).safeParse(raw);
  if (!r.success) {
    throw new Error(
      `The metric set '${name}' in gantry.canary.metricSets is invalid: ${r.error.issues
        .map(i => `${i.path.join('.') || 'the set'}: ${i.message}`)
        .join('; ')}.`,
    );
  }
  return r.data;
}
