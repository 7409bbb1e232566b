import type { ArgoCdActionService } from '../deployments/ArgoCdActionService';
import type { DeploymentsService } from '../deployments/DeploymentsService';
import type { DeploymentHistoryService } from '../history/DeploymentHistoryService';
import type { GantryContext } from '../kernel/context';
import type { RolloutActionService } from '../rollouts/RolloutActionService';
import { readIncidentsConfig } from './incidentsConfig';
import { IncidentService, type FlagKiller } from './IncidentService';
import { IncidentStore } from './IncidentStore';
import { createIncidentsRouter } from './router';

/** From Alertmanager alert to incident: suspect release, owners notified, escalation, remedies. */
export async function createIncidents(
  ctx: GantryContext,
  deps: {
    history: DeploymentHistoryService;
    deployments: DeploymentsService;
    rollouts: RolloutActionService;
    argocdActions: ArgoCdActionService;
    flags: FlagKiller;
  },
) {
  const config = readIncidentsConfig(ctx.rootConfig);
  const store = new IncidentStore(ctx.db);
  deps.history.useIncidents(store);
  const incidents = new IncidentService({
    store,
    ...deps,
    audit: ctx.audit,
    catalog: ctx.catalog,
    auth: ctx.auth,
    userInfo: ctx.userInfo,
    notifier: ctx.notifier,
    logger: ctx.logger,
    correlationWindowMs: config.correlationWindowMs,
    appBaseUrl: ctx.appBaseUrl,
  });
  // Once per tick across replicas: the scheduler holds a lock in the database.
  await ctx.scheduler.scheduleTask({
    id: 'gantry-incident-escalation',
    frequency: { seconds: config.escalationCheckSeconds },
    timeout: { minutes: 1 },
    fn: async () => {
      await incidents.escalate();
    },
  });
  return {
    router: createIncidentsRouter({ ...ctx, incidents }),
    incidents,
  };
}
