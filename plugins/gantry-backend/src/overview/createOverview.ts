import type { CapabilityCheck } from '@gantry/plugin-gantry-node';
import type { GantryContext } from '../kernel/context';
import { applicationsCheck } from './applicationsCheck';
import { builtInConfigChecks } from './configChecks';
import { OverviewService } from './OverviewService';
import { createOverviewRouter } from './router';

/** Per capability of an entity: configured or not, and what is missing; modules add checks. */
export function createOverview(
  ctx: GantryContext,
  deps: { moduleChecks: CapabilityCheck[] },
) {
  const overview = new OverviewService(
    ctx.catalog,
    [
      ...builtInConfigChecks(ctx.config, Boolean(ctx.providers.prometheus)),
      applicationsCheck(ctx.providers.argocd),
      ...deps.moduleChecks,
    ],
    {
      environments: ctx.config.environments,
      approvalEnvironments: ctx.compliance.approvals.environments,
    },
  );
  return { router: createOverviewRouter({ httpAuth: ctx.httpAuth, overview }) };
}
