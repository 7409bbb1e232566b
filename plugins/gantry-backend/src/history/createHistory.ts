import type { GantryContext } from '../kernel/context';
import { DeploymentHistoryService } from './DeploymentHistoryService';
import { KnexDeploymentStore } from './KnexDeploymentStore';
import { readRollbackObjectives } from './rollbackObjectives';
import { createHistoryRouter } from './router';

/** Every deployment kept (from Argo CD / Argo Rollouts notifications) and the DORA figures. */
export function createHistory(ctx: GantryContext) {
  const history = new DeploymentHistoryService({
    store: new KnexDeploymentStore(ctx.db),
    catalog: ctx.catalog,
    auth: ctx.auth,
    config: ctx.config,
    objectives: readRollbackObjectives(ctx.rootConfig),
    notifier: ctx.notifier,
    appBaseUrl: ctx.appBaseUrl,
    logger: ctx.logger,
  });
  return { router: createHistoryRouter({ ...ctx, history }), history };
}
