import type { DeploymentsService } from '../deployments/DeploymentsService';
import type { GantryContext } from '../kernel/context';
import { readDriftConfig } from './driftConfig';
import { DriftService } from './DriftService';

/** Tells owners about applications that stay OutOfSync or Rollouts that stay Degraded. */
export async function createDrift(
  ctx: GantryContext,
  deps: { deployments: DeploymentsService },
) {
  const config = readDriftConfig(ctx.rootConfig);
  const drift = new DriftService({
    db: ctx.db,
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
