import type {
  DeploymentCoverage,
  DeploymentRecord,
  PromotionRequest,
  ReconciledDeployment,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';

/**
 * The release a deployment shipped. Argo CD records only the revision it synced (each
 * source's revision, comma-separated, for a multi-source application), so a revision names
 * a release when it equals
 * - the release's commit: the application syncs the service's own repository at the commit
 *   the release was built from (the commit CI sent with its evidence), or
 * - the release's version: a Helm chart source (Argo CD records the chart version as the
 *   revision) or a Git tag named after the release.
 * A revision that matches neither (e.g. a GitOps repository commit nobody linked to a
 * release) maps to no release and so is covered by no request.
 */
export function releaseOf(
  deployment: DeploymentRecord,
  releases: ReleaseRecord[],
): ReleaseRecord | undefined {
  const revisions = deployment.revision
    .split(',')
    .map(r => r.trim().toLowerCase())
    .filter(Boolean);
  return (
    releases.find(r => revisions.includes(r.commit.toLowerCase())) ??
    releases.find(r => revisions.includes(r.version.toLowerCase()))
  );
}

const RANK: Record<DeploymentCoverage, number> = {
  approved: 3,
  'emergency-reviewed': 2,
  'emergency-unreviewed': 1,
  unapproved: 0,
};

/**
 * Which request covers a deployment of `version`: one for the same version and
 * environment that existed when the deployment started, approved before it started (or an
 * emergency request, which counts once someone reviewed it). An approval given after the
 * deployment does not cover it.
 */
function coverageOf(
  deployment: DeploymentRecord,
  version: string | undefined,
  requests: PromotionRequest[],
): { coverage: DeploymentCoverage; request?: PromotionRequest } {
  let best: { coverage: DeploymentCoverage; request?: PromotionRequest } = {
    coverage: 'unapproved',
  };
  if (version === undefined) return best;
  for (const p of requests) {
    if (
      p.version !== version ||
      p.environment !== deployment.environment ||
      p.createdAt > deployment.startedAt
    )
      continue;
    let coverage: DeploymentCoverage = 'unapproved';
    if (
      p.status === 'approved' &&
      p.decidedAt &&
      p.decidedAt <= deployment.startedAt
    )
      coverage = 'approved';
    else if (p.status === 'emergency')
      coverage =
        p.reviewStatus === 'done'
          ? 'emergency-reviewed'
          : 'emergency-unreviewed';
    if (RANK[coverage] > RANK[best.coverage]) best = { coverage, request: p };
  }
  return best;
}

/** Each deployment with the release it shipped and the request that covers it. */
export function reconcileDeployments(
  deployments: DeploymentRecord[],
  releases: ReleaseRecord[],
  requests: PromotionRequest[],
): Array<ReconciledDeployment & { release?: ReleaseRecord }> {
  return deployments.map(d => {
    const release = releaseOf(d, releases);
    const { coverage, request } = coverageOf(d, release?.version, requests);
    return {
      deploymentId: d.id,
      environment: d.environment,
      application: d.application,
      revision: d.revision,
      startedAt: d.startedAt,
      outcome: d.outcome,
      version: release?.version,
      coverage,
      requestId: request?.id,
      release,
    };
  });
}
