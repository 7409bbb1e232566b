import { ConflictError } from '@backstage/errors';
import type { RolloutObject, RolloutPatch } from '../providers/rolloutTypes';

export type RolloutAction = 'promote' | 'promote-full' | 'abort' | 'retry';

const fullyPromoted = (r: RolloutObject) =>
  Boolean(r.status?.currentPodHash) &&
  r.status?.currentPodHash === r.status?.stableRS;

/**
 * The merge patches `kubectl argo rollouts` sends for each action
 * (argo-rollouts pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry}), so Gantry acts
 * exactly as an operator at the CLI would.
 */
export function rolloutPatches(
  action: RolloutAction,
  r: RolloutObject,
): RolloutPatch[] {
  const name = r.metadata.name;
  switch (action) {
    case 'abort':
      if (fullyPromoted(r))
        throw new ConflictError(
          `Rollout ${name} is fully promoted; there is nothing to abort.`,
        );
      return [{ subresource: 'status', body: { status: { abort: true } } }];
    case 'retry':
      if (!r.status?.abort)
        throw new ConflictError(
          `Rollout ${name} is not aborted; only an aborted rollout can be retried.`,
        );
      return [{ subresource: 'status', body: { status: { abort: false } } }];
    case 'promote-full':
      if (fullyPromoted(r))
        throw new ConflictError(`Rollout ${name} is already fully promoted.`);
      return [
        { subresource: 'status', body: { status: { promoteFull: true } } },
      ];
    case 'promote': {
      const patches: RolloutPatch[] = [];
      if (r.spec?.paused)
        patches.push({
          subresource: 'main',
          body: { spec: { paused: false } },
        });
      if ((r.status?.pauseConditions?.length ?? 0) > 0) {
        patches.push({
          subresource: 'status',
          body: { status: { pauseConditions: null } },
        });
      } else if (r.spec?.strategy?.canary) {
        const steps = r.spec.strategy.canary.steps?.length ?? 0;
        const current = r.status?.currentStepIndex ?? 0;
        if (current >= steps && !r.spec?.paused) {
          throw new ConflictError(
            `Rollout ${name} has completed all ${steps} steps; nothing to promote.`,
          );
        }
        if (current < steps) {
          patches.push({
            subresource: 'status',
            body: {
              status: {
                pauseConditions: null,
                currentStepIndex: Math.min(current + 1, steps),
              },
            },
          });
        }
      }
      if (patches.length === 0)
        throw new ConflictError(
          `Rollout ${name} is not paused; nothing to promote.`,
        );
      return patches;
    }
    default:
      throw new ConflictError(
        `Unknown rollout action ${action satisfies never}.`,
      );
  }
}
