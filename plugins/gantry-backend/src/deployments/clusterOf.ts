import type { ApplicationView } from '@gantry/plugin-gantry-common';
import type { GantryConfig } from '../kernel/config/gantryConfig';

/** Argo CD's name and URL for the cluster it runs in. */
const IN_CLUSTER_URL = 'https://kubernetes.default.svc';
const IN_CLUSTER_NAME = 'in-cluster';

const trim = (url?: string) => url?.replace(/\/+$/, '');

/**
 * The gantry.kubernetes.clusters entry an app deploys to: matched by API server URL or
 * name; Argo CD's in-cluster destination through the instance's inClusterName. Answers
 * `problem` (undefined when there is nothing to say) when no cluster can be named.
 */
export function clusterOf(
  view: Pick<ApplicationView, 'instance' | 'name' | 'destination'>,
  config: Pick<GantryConfig, 'argocdInstances' | 'kubernetesClusters'>,
): { cluster?: string; problem?: string } {
  const clusters = config.kubernetesClusters;
  const { server, name } = view.destination;
  const byUrl = clusters.find(c => trim(c.url) === trim(server));
  if (byUrl) return { cluster: byUrl.name };
  const byName = clusters.find(c => c.name === name);
  if (byName) return { cluster: byName.name };
  const inCluster =
    trim(server) === IN_CLUSTER_URL || (!server && name === IN_CLUSTER_NAME);
  const configured = clusters.map(c => c.name).join(', ') || 'none';
  if (inCluster) {
    const mapped = config.argocdInstances.find(
      i => i.name === view.instance,
    )?.inClusterName;
    if (mapped) {
      return clusters.some(c => c.name === mapped)
        ? { cluster: mapped }
        : {
            problem: `gantry.argocd.instances[${view.instance}].inClusterName is '${mapped}', which is not in gantry.kubernetes.clusters (configured: ${configured}).`,
          };
    }
    if (clusters.length === 1) return { cluster: clusters[0].name };
    if (clusters.length > 1)
      return {
        problem: `Application ${view.name} deploys to the cluster Argo CD ${view.instance} runs in (${IN_CLUSTER_URL}), and ${clusters.length} clusters are configured (${configured}): set gantry.argocd.instances[${view.instance}].inClusterName to the one it is, to see its rollouts.`,
      };
    return {};
  }
  if (clusters.length === 1) return { cluster: clusters[0].name };
  if (clusters.length > 1)
    return {
      problem: `Application ${view.name} deploys to ${
        server ?? name
      }, which is none of gantry.kubernetes.clusters (${configured}): add it there to see its rollouts.`,
    };
  return {};
}
