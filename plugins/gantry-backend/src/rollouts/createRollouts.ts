import type { GantryContext } from '../kernel/context';
import type {
  ManualInterventionLog,
  PipelineReader,
  ReleaseGate,
} from '../kernel/ports';
import { RolloutActionService } from './RolloutActionService';
import { RolloutAttentionService } from './RolloutAttentionService';
import { RolloutAttentionSnapshot } from './RolloutAttentionSnapshot';
import { createRolloutsRouter } from './router';

/** Rollout actions as the Argo Rollouts CLI sends them (production gated) and the attention page. */
export function createRollouts(
  ctx: GantryContext,
  deps: {
    gates: ReleaseGate;
    history: ManualInterventionLog;
    deployments: PipelineReader;
    groupsOf: (userRef: string) => Promise<string[]>;
  },
) {
  const rollouts = new RolloutActionService({
    client: ctx.providers.rollouts,
    gates: deps.gates,
    audit: ctx.audit,
    environments: ctx.config.environments,
    environmentLabel: ctx.config.environmentLabel,
    history: deps.history,
  });
  const refreshSeconds =
    ctx.rootConfig.getOptionalNumber(
      'gantry.rollouts.attentionRefreshSeconds',
    ) ?? 60;
  const snapshot = new RolloutAttentionSnapshot({
    catalog: ctx.catalog,
    auth: ctx.auth,
    deployments: deps.deployments,
    logger: ctx.logger,
  });
  // Each replica keeps its own snapshot, so the task runs on every replica.
  ctx.scheduler
    .scheduleTask({
      id: 'gantry-rollout-attention-refresh',
      scope: 'local',
      frequency: { seconds: refreshSeconds },
      // The first page load reads the state itself; no burst of Argo CD calls at boot.
      initialDelay: { seconds: refreshSeconds },
      timeout: { minutes: 10 },
      fn: async () => {
        await snapshot.refresh();
      },
    })
    .catch(e =>
      ctx.logger.error(
        `Could not schedule the rollout attention refresh: ${e}`,
      ),
    );
  return {
    router: createRolloutsRouter({
      httpAuth: ctx.httpAuth,
      access: ctx.access,
      rollouts,
      rolloutAttention: new RolloutAttentionService({
        catalog: ctx.catalog,
        userInfo: ctx.userInfo,
        groupsOf: deps.groupsOf,
        snapshot,
        refreshSeconds,
      }),
    }),
    rollouts,
  };
}
