import express from 'express';
import Router from 'express-promise-router';
import type { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { CleanupReportService } from './CleanupReportService';
import { createFlagsEdge } from './edge/createFlagsEdge';
import { MemoryClientKeys } from './edge/MemoryClientKeys';
import { createEventsRouter } from './eventsRouter';
import { ExperimentService } from './ExperimentService';
import { FlagApprovalService } from './FlagApprovalService';
import { FlagChangeApplier } from './FlagChangeApplier';
import { FlagService } from './FlagService';
import { FlagSetRegistry } from './FlagSetRegistry';
import { readFlagsConfig } from './flagsConfig';
import { FlagUsageService } from './FlagUsageService';
import { KnexClientKeyStore } from './KnexClientKeyStore';
import { KnexExperimentStore } from './KnexExperimentStore';
import { KnexFlagChangeStore } from './KnexFlagChangeStore';
import { KnexFlagStore } from './KnexFlagStore';
import { LinkedSloCheck } from './LinkedSloCheck';
import { createOfrepRouter } from './ofrepRouter';
import { RampGuard } from './RampGuard';
import { createFlagsRouter } from './router';
import type { SloReader } from './sloReader';
import { SloServiceStatusSource } from './sloStatusSource';

/** Management routes parse JSON themselves, so other routers' raw bodies stay untouched. */
const MANAGEMENT_PATHS = [
  'flags',
  'flag-segments',
  'flag-changes',
  'flag-keys',
].map(p => `/entities/:namespace/:kind/:name/${p}`);

/**
 * Exposure and conversion ingestion authenticates with flag client keys, so the plugin
 * must let it through Backstage auth: `httpRouter.addAuthPolicy({ path: EVENTS_PATH,
 * allow: 'unauthenticated' })`.
 */
export { EVENTS_PATH } from './eventsRouter';
import { EVENTS_PATH } from './eventsRouter';

/**
 * Wires the flags domain: stores, services and both routers. `registry` must be started
 * and stopped with the plugin (it polls for changes made by other replicas).
 */
export async function createFlags(
  ctx: GantryContext,
  domains: {
    approvers: ApproverDirectory;
    /**
     * The SLO domain's SloService. The ramp guard reads linked SLOs of entities from the
     * catalog with the plugin's credentials; flag writes check that a linked SLO exists.
     */
    slos: SloReader;
  },
) {
  const deps = {
    ...ctx,
    ...domains,
    environments: ctx.config.environments,
    approvals: ctx.compliance.approvals,
  };
  const config = readFlagsConfig(ctx.rootConfig);
  const store = new KnexFlagStore(deps.db);
  const registry = new FlagSetRegistry(store, deps.logger, {
    pollMs: config.pollIntervalMs,
    flushEvaluationsEvery: Math.max(
      1,
      Math.round(60_000 / config.pollIntervalMs),
    ),
    // the edge feed reads the revisions table on the same interval and hands it over
    pollRevisions: false,
  });
  // The data plane's feed: flag sets and key hashes in memory for the edges and the
  // OFREP routes, told about local commits at once.
  const keyStore = new KnexClientKeyStore(deps.db);
  const edge = await createFlagsEdge(ctx, {
    store,
    keyStore,
    pollMs: config.pollIntervalMs,
    rateLimitPerSecond: config.rateLimitPerSecond,
    onRevisions: revisions => registry.applyRevisions(revisions),
  });
  const listener = {
    changed(entityRef: string, environment: string) {
      registry.changed(entityRef, environment);
      edge.feed.changed(entityRef, environment);
    },
  };
  const changes = new KnexFlagChangeStore(deps.db);
  const applier = new FlagChangeApplier({ store, audit: deps.audit });
  const flags = new FlagService({
    store,
    changes,
    applier,
    audit: deps.audit,
    listener,
    environments: deps.environments,
    approvals: deps.approvals,
  });
  const approvals = new FlagApprovalService({
    changes,
    applier,
    audit: deps.audit,
    approvers: deps.approvers,
    listener,
    approvals: deps.approvals,
  });
  const keys = new MemoryClientKeys(
    { store: keyStore, audit: deps.audit, environments: deps.environments },
    edge.feed,
    edge.usage,
  );
  const experiments = new ExperimentService({
    store: new KnexExperimentStore(deps.db),
    flagStore: store,
    flags,
    audit: deps.audit,
  });
  const rampGuard = new RampGuard({
    store,
    flags,
    slos: new SloServiceStatusSource(deps),
    logger: deps.logger,
  });
  // Each runs on one replica per tick (the scheduler holds a lock in the database).
  {
    const scheduler = ctx.scheduler;
    await scheduler.scheduleTask({
      id: 'gantry-flag-ramp-guard',
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      fn: async () => {
        await rampGuard.run();
      },
    });
    await scheduler.scheduleTask({
      id: 'gantry-flag-event-id-retention',
      frequency: { hours: 6 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 5 },
      fn: async () => {
        const pruned = await experiments.pruneEventIds(
          config.eventIdRetentionDays,
        );
        if (pruned)
          deps.logger.info(
            `Pruned ${pruned} experiment event ids older than ${config.eventIdRetentionDays} days`,
          );
      },
    });
  }
  registry.start();
  ctx.lifecycle.addShutdownHook(() => registry.stop());
  const router = Router();
  router.use(edge.router);
  router.use(
    createEventsRouter({
      keys,
      experiments,
      rateLimitPerSecond: config.rateLimitPerSecond,
    }),
  );
  router.use(edge.ofrepGuard);
  router.use(
    createOfrepRouter({
      keys,
      registry,
      discovery: deps.discovery,
      rateLimitPerSecond: config.rateLimitPerSecond,
    }),
  );
  router.use(MANAGEMENT_PATHS, express.json({ limit: '1mb' }));
  router.use(
    createFlagsRouter({
      httpAuth: deps.httpAuth,
      access: deps.access,
      flags,
      approvals,
      keys,
      cleanup: new CleanupReportService(store, config.stale),
      usage: new FlagUsageService({
        flags,
        prometheus: ctx.providers.prometheus,
      }),
      experiments,
      linkedSlos: new LinkedSloCheck(deps.slos),
    }),
  );
  return {
    router,
    /** Applications authenticate to these with flag client keys, checked by the flags routers. */
    publicPaths: ['/ofrep', '/flagd', EVENTS_PATH],
    registry,
    flags,
    approvals,
    keys,
    experiments,
  };
}
