import { releaseOf } from '../providers/rolloutTypes';

const WORKLOADS = new Set([
  'Rollout',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
]);

/**
 * The releases an Argo CD application's rendered manifests run: for each workload (Argo
 * Rollout, Deployment, StatefulSet, DaemonSet) its pod template's app.kubernetes.io/version
 * label, else its first container's image tag, as for a live Rollout. Argo CD's
 * `/manifests` answers each manifest as a JSON string.
 */
export function manifestReleases(manifests: string[]): string[] {
  const versions = new Set<string>();
  for (const m of manifests) {
    let o: any;
    try {
      o = JSON.parse(m);
    } catch {
      continue;
    }
    if (!WORKLOADS.has(o?.kind)) continue;
    const version = releaseOf(o);
    if (version) versions.add(version);
  }
  return [...versions].sort();
}
