import type { GantryContext } from '../kernel/context';
import { ArgoCdActionService } from './ArgoCdActionService';
import {
  DeploymentsService,
  type ArgoCdHistorySink,
} from './DeploymentsService';
import { createDeploymentsRouter } from './router';

/** The pipeline per entity (Argo CD applications with their Rollouts) and the Argo CD actions. */
export function createDeployments(
  ctx: GantryContext,
  deps: { history: ArgoCdHistorySink },
) {
  const deployments = new DeploymentsService({
    argocd: ctx.providers.argocd,
    rollouts: ctx.providers.rollouts,
    config: ctx.config,
    history: deps.history,
    logger: ctx.logger,
  });
  const argocdActions = new ArgoCdActionService({
    argocd: ctx.providers.argocd,
    audit: ctx.audit,
  });
  return {
    router: createDeploymentsRouter({
      access: ctx.access,
      deployments,
      argocdActions,
    }),
    deployments,
    argocdActions,
  };
}
