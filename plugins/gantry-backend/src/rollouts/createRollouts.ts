import type { GantryContext } from '../kernel/context';
import type {
  ManualInterventionLog,
  PipelineReader,
  ReleaseGate,
} from '../kernel/ports';
import { RolloutActionService } from './RolloutActionService';
import { RolloutAttentionService } from './RolloutAttentionService';
import { createRolloutsRouter } from './router';

/** Rollout actions as the Argo Rollouts CLI sends them (production gated) and the attention page. */
export function createRollouts(
  ctx: GantryContext,
  deps: {
    gates: ReleaseGate;
    history: ManualInterventionLog;
    deployments: PipelineReader;
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
  return {
    router: createRolloutsRouter({
      httpAuth: ctx.httpAuth,
      access: ctx.access,
      rollouts,
      rolloutAttention: new RolloutAttentionService({
        catalog: ctx.catalog,
        userInfo: ctx.userInfo,
        deployments: deps.deployments,
      }),
    }),
    rollouts,
  };
}
