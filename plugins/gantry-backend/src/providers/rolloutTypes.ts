type Labels = Record<string, string>;

/** The parts of an Argo Rollouts `Rollout` the actions read. */
export interface RolloutObject {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Labels;
  };
  spec?: {
    paused?: boolean;
    strategy?: { canary?: { steps?: unknown[] }; blueGreen?: unknown };
  };
  status?: {
    pauseConditions?: Array<{ reason: string; startTime: string }> | null;
    controllerPause?: boolean;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    abort?: boolean;
    canary?: { currentStepAnalysisRunStatus?: { status?: string } | null };
  };
}

type PatchBody = Record<string, unknown>;

/** One merge patch, sent to the Rollout itself or to its status subresource. */
export interface RolloutPatch {
  subresource: 'main' | 'status';
  body: PatchBody;
}

/**
 * The patches the Argo Rollouts CLI sends for one action, in its order: `status` to the
 * status subresource first, then `main`. When /status answers 404 (a CRD without the
 * status subresource, Rollouts before v0.10) `unified` goes to the main resource instead
 * of both.
 */
export interface RolloutPatchPlan {
  status?: PatchBody;
  main?: PatchBody;
  unified: PatchBody;
}

export const labelsOf = (r: any): Labels => ({
  ...(r.spec?.template?.metadata?.labels ?? {}),
  ...(r.metadata?.labels ?? {}),
});

/** The release a Rollout runs: app.kubernetes.io/version, else the first container's image tag. */
export function releaseOf(r: any): string | undefined {
  const labels = labelsOf(r);
  if (labels['app.kubernetes.io/version'])
    return labels['app.kubernetes.io/version'];
  const image: string | undefined =
    r.spec?.template?.spec?.containers?.[0]?.image;
  const tag = image?.split('@')[0].split('/').pop()?.split(':')[1];
  return tag;
}
