type Labels = Record<string, string>;

/** The parts of an Argo Rollouts `Rollout` the actions read. */
export interface RolloutObject {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: {
    paused?: boolean;
    strategy?: { canary?: { steps?: unknown[] }; blueGreen?: unknown };
  };
  status?: {
    pauseConditions?: Array<{ reason: string; startTime: string }> | null;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    abort?: boolean;
  };
}

/** One merge patch, sent to the Rollout itself or to its status subresource. */
export interface RolloutPatch {
  subresource: 'main' | 'status';
  body: Record<string, unknown>;
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
