import type { GantryContext } from '../kernel/context';
import { CanaryAnalysisService } from './CanaryAnalysisService';
import { KnexCanaryAnalysisStore } from './KnexCanaryAnalysisStore';
import { readCanaryConfig } from './canaryConfig';
import { createCanaryRouter } from './router';

/** Canary analysis judged from the metrics source (Mann-Whitney, Kayenta-style scores). */
export function createCanary(ctx: GantryContext) {
  const canary = new CanaryAnalysisService({
    store: new KnexCanaryAnalysisStore(ctx.db),
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
  };
}
