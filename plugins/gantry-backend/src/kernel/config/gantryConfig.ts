import type { Config } from '@backstage/config';
import { DEFAULT_ENVIRONMENT_LABEL } from '@gantry/plugin-gantry-common';

export interface GantryConfig {
  environments: string[];
  environmentLabel: string;
  argocdInstances: Array<{
    name: string;
    url: string;
    token?: string;
    demo?: boolean;
    /** The gantry.kubernetes.clusters entry this Argo CD runs in (its in-cluster destination). */
    inClusterName?: string;
  }>;
  /** Per-request timeouts of Argo CD and the Kubernetes API; 10 s unless configured. */
  argocdTimeoutMs?: number;
  kubernetesTimeoutMs?: number;
  kubernetesClusters: Array<{
    name: string;
    url: string;
    serviceAccountToken?: string;
    skipTLSVerify?: boolean;
  }>;
  /** Prometheus HTTP API (gantry.prometheus.baseUrl); absent when not configured. */
  prometheus?: { url: string; timeoutMs?: number };
}

/** Reads the `gantry` block of app-config. */
export function readGantryConfig(config: Config): GantryConfig {
  const g = config.getOptionalConfig('gantry');
  return {
    environments: g?.getOptionalStringArray('environments') ?? [
      'staging',
      'production',
    ],
    environmentLabel:
      g?.getOptionalString('environmentLabel') ?? DEFAULT_ENVIRONMENT_LABEL,
    argocdInstances:
      g?.getOptionalConfigArray('argocd.instances')?.map(c => ({
        name: c.getString('name'),
        url: c.getString('url'),
        token: c.getOptionalString('token'),
        demo: c.getOptionalBoolean('demo'),
        inClusterName: c.getOptionalString('inClusterName'),
      })) ?? [],
    argocdTimeoutMs: g?.getOptionalNumber('argocd.timeoutMs'),
    kubernetesTimeoutMs: g?.getOptionalNumber('kubernetes.timeoutMs'),
    kubernetesClusters:
      g?.getOptionalConfigArray('kubernetes.clusters')?.map(c => ({
        name: c.getString('name'),
        url: c.getString('url'),
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
      })) ?? [],
    prometheus: g?.has('prometheus.baseUrl')
      ? {
          url: g.getString('prometheus.baseUrl'),
          timeoutMs: g.getOptionalNumber('prometheus.timeoutMs'),
        }
      : undefined,
  };
}
