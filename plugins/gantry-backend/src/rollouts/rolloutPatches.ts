import { ConflictError } from '@backstage/errors';
import type {
  RolloutObject,
  RolloutPatchPlan,
} from '../providers/rolloutTypes';

export type RolloutAction = 'promote' | 'promote-full' | 'abort' | 'retry';

const unpause = { spec: { paused: false } };

/** replicasetutil.GetCurrentCanaryStep's index: undefined without canary steps. */
function currentStepIndex(r: RolloutObject): number | undefined {
  const steps = r.spec?.strategy?.canary?.steps?.length ?? 0;
  return steps ? r.status?.currentStepIndex ?? 0 : undefined;
}

function nextStepIndex(r: RolloutObject, index: number): number {
  const steps = r.spec?.strategy?.canary?.steps?.length ?? 0;
  return index < steps ? index + 1 : index;
}

function promote(r: RolloutObject): RolloutPatchPlan {
  const name = r.metadata.name;
  const paused = Boolean(r.spec?.paused);
  const pauseConditions = r.status?.pauseConditions?.length ?? 0;
  const plan: RolloutPatchPlan = {
    main: paused ? unpause : undefined,
    unified: { ...unpause, status: { pauseConditions: null } },
  };
  const inconclusive =
    Boolean(r.spec?.strategy?.canary) &&
    r.status?.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
  const index = currentStepIndex(r);
  if (inconclusive && pauseConditions > 0 && r.status?.controllerPause) {
    // Clearing the pause alone leaves the controller on the inconclusive step.
    if (index !== undefined)
      plan.status = {
        status: {
          pauseConditions: null,
          controllerPause: false,
          currentStepIndex: nextStepIndex(r, index),
        },
      };
  } else if (pauseConditions > 0) {
    plan.status = { status: { pauseConditions: null } };
  } else if (index !== undefined) {
    const steps = r.spec?.strategy?.canary?.steps?.length ?? 0;
    // The CLI would re-send the last index; Gantry says there is nothing left instead.
    if (index >= steps && !paused)
      throw new ConflictError(
        `Rollout ${name} has completed all ${steps} steps; nothing to promote.`,
      );
    const status = {
      pauseConditions: null,
      currentStepIndex: nextStepIndex(r, index),
    };
    plan.status = { status };
    plan.unified = { ...unpause, status };
  }
  if (!plan.status && !plan.main)
    throw new ConflictError(
      `Rollout ${name} is not paused; nothing to promote.`,
    );
  return plan;
}

/**
 * The merge patches `kubectl argo rollouts` sends for each action, body for body and in
 * its order (argo-rollouts pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry}), so
 * Gantry acts exactly as an operator at the CLI would. Where the CLI would send a patch
 * that changes nothing, Gantry refuses with a 409 that says why.
 */
export function rolloutPatches(
  action: RolloutAction,
  r: RolloutObject,
): RolloutPatchPlan {
  const name = r.metadata.name;
  const podHash = r.status?.currentPodHash ?? '';
  const fullyPromoted = podHash !== '' && podHash === r.status?.stableRS;
  switch (action) {
    case 'abort': {
      if (fullyPromoted)
        throw new ConflictError(
          `Rollout ${name} is fully promoted; there is nothing to abort.`,
        );
      const abort = { status: { abort: true } };
      return { status: abort, unified: abort };
    }
    case 'retry': {
      if (!r.status?.abort)
        throw new ConflictError(
          `Rollout ${name} is not aborted; only an aborted rollout can be retried.`,
        );
      const retry = { status: { abort: false } };
      return { status: retry, unified: retry };
    }
    case 'promote-full': {
      const paused = Boolean(r.spec?.paused);
      const promoted = podHash === (r.status?.stableRS ?? '');
      if (promoted && !paused)
        throw new ConflictError(`Rollout ${name} is already fully promoted.`);
      return {
        status: promoted ? undefined : { status: { promoteFull: true } },
        main: paused ? unpause : undefined,
        unified: { ...unpause, status: { promoteFull: true } },
      };
    }
    case 'promote':
      return promote(r);
    default:
      throw new ConflictError(
        `Unknown rollout action ${action satisfies never}.`,
      );
  }
}
