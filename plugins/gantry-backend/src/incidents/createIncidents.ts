import type { GantryContext } from '../kernel/context';
import type { PipelineReader } from '../kernel/ports';
import type { RemedyProvider } from '../kernel/remedy';
import { readIncidentsConfig } from './incidentsConfig';
import { IncidentEscalation } from './IncidentEscalation';
import { IncidentIntake, type RecentDeployments } from './IncidentIntake';
import { IncidentQueries } from './IncidentQueries';
import { IncidentRemedies } from './IncidentRemedies';
import type { IncidentStore } from './IncidentStore';
import { KnexIncidentStore } from './KnexIncidentStore';
import { createIncidentsRouter } from './router';

/** From Alertmanager alert to incident: suspect release, owners notified, escalation, remedies. */
export async function createIncidents(
  ctx: GantryContext,
  deps: {
    /** The deployment history, to name the suspect release; told about incidents for DORA. */
    history: RecentDeployments & {
      useIncidents(incidents: IncidentStore): void;
    };
    pipeline: PipelineReader;
    /** Offered in this order. */
    remedies: RemedyProvider[];
  },
) {
  const config = readIncidentsConfig(ctx.rootConfig);
  const store = new KnexIncidentStore(ctx.db);
  deps.history.useIncidents(store);
  const escalation = new IncidentEscalation({
    store,
    catalog: ctx.catalog,
    auth: ctx.auth,
    notifier: ctx.notifier,
    logger: ctx.logger,
    appBaseUrl: ctx.appBaseUrl,
  });
  const intake = new IncidentIntake({
    store,
    history: deps.history,
    escalation,
    catalog: ctx.catalog,
    auth: ctx.auth,
    correlationWindowMs: config.correlationWindowMs,
  });
  const queries = new IncidentQueries({
    store,
    audit: ctx.audit,
    catalog: ctx.catalog,
    userInfo: ctx.userInfo,
  });
  const remedies = new IncidentRemedies({
    store,
    queries,
    pipeline: deps.pipeline,
    providers: deps.remedies,
    correlationWindowMs: config.correlationWindowMs,
  });
  // Once per tick across replicas: the scheduler holds a lock in the database.
  await ctx.scheduler.scheduleTask({
    id: 'gantry-incident-escalation',
    frequency: { seconds: config.escalationCheckSeconds },
    timeout: { minutes: 1 },
    fn: async () => {
      await escalation.escalate();
    },
  });
  return {
    router: createIncidentsRouter({ ...ctx, intake, queries, remedies }),
    intake,
    escalation,
    queries,
    remedies,
  };
}
