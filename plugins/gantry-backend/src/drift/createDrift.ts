import type { GantryContext } from '../kernel/context';
import type { PipelineReader } from '../kernel/ports';
import { readDriftConfig } from './driftConfig';
import { DriftService } from './DriftService';
import { KnexDriftStore } from './KnexDriftStore';

/** Tells owners about applications that stay OutOfSync or Rollouts that stay Degraded. */
export async function createDrift(
  ctx: GantryContext,
  deps: { deployments: PipelineReader },
) {
  const config = readDriftConfig(ctx.rootConfig);
  const drift = new DriftService({
    store: new KnexDriftStore(ctx.db),
    catalog: ctx.catalog,
    auth: ctx.auth,
    deployments: deps.deployments,
    notifier: ctx.notifier,
    logger: ctx.logger,
    thresholdMs: config.thresholdMs,
    appBaseUrl: ctx.appBaseUrl,
  });
  await ctx.scheduler.scheduleTask({
    id: 'gantry-drift-check',
    frequency: { seconds: config.checkSeconds },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      await drift.check();
    },
  });
  return {};
}
