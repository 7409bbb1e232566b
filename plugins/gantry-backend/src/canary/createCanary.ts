import type { GantryContext } from '../kernel/context';
import type { PipelineReader } from '../kernel/ports';
import { canaryGateSignal } from './canaryGateSignal';
import { CanaryAnalysisService } from './CanaryAnalysisService';
import { KnexCanaryAnalysisStore } from './KnexCanaryAnalysisStore';
import { readCanaryConfig } from './canaryConfig';
import { createCanaryRouter } from './router';
import { cachedPipeline } from './pipelineCache';

/** How long the canary rule reuses an entity's pipeline read (which Rollout runs which release). */
const PIPELINE_TTL_MS = 10_000;

/** Canary analysis judged from the metrics source (Mann-Whitney, Kayenta-style scores); its verdicts feed the `canary` gate rule. */
export function createCanary(
  ctx: GantryContext,
  deps: { pipeline: PipelineReader },
) {
  const store = new KnexCanaryAnalysisStore(ctx.db);
  const canary = new CanaryAnalysisService({
    store,
    audit: ctx.audit,
    prometheus: ctx.providers.prometheus,
    config: readCanaryConfig(ctx.rootConfig),
  });
  return {
    router: createCanaryRouter({
      httpAuth: ctx.httpAuth,
      access: ctx.access,
      canary,
    }),
    canary,
    gateSignal: canaryGateSignal({
      store,
      pipeline: cachedPipeline(deps.pipeline, PIPELINE_TTL_MS),
    }),
  };
}
