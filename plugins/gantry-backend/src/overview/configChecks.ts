import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import type { CapabilityCheck } from '@gantry/plugin-gantry-node';
import type { GantryConfig } from '../kernel/config/gantryConfig';

/**
 * The app-config each built-in capability needs before it can show anything.
 * `hasMetricsSource`: gantry.prometheus or a module's metrics source is registered.
 */
export function builtInConfigChecks(
  config: GantryConfig,
  hasMetricsSource: boolean,
): CapabilityCheck[] {
  const prometheus = (capability: 'analysis' | 'slos'): CapabilityCheck => ({
    capability,
    check: () =>
      hasMetricsSource
        ? []
        : [
            {
              kind: 'config',
              keys: ['gantry.prometheus.baseUrl'],
              message:
                'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to the Prometheus HTTP API base URL.',
            },
          ],
  });
  return [
    {
      capability: 'deployments',
      check: entity => {
        if (config.argocdInstances.length === 0) {
          return [
            {
              kind: 'config',
              keys: ['gantry.argocd.instances'],
              message:
                'No Argo CD instance is configured. Add gantry.argocd.instances (name, url, token from an environment variable) to app-config.yaml.',
            },
          ];
        }
        const known = new Set(config.argocdInstances.map(i => i.name));
        const unknown = (
          entity.metadata.annotations?.[ANNOTATIONS.argocdInstanceName] ?? ''
        )
          .split(',')
          .map(s => s.trim())
          .filter(s => s && !known.has(s));
        return unknown.length === 0
          ? []
          : [
              {
                kind: 'config',
                keys: ['gantry.argocd.instances'],
                message: `The annotation ${
                  ANNOTATIONS.argocdInstanceName
                } names ${unknown.join(
                  ', ',
                )}, which is not among the configured Argo CD instances (${[
                  ...known,
                ].join(', ')}).`,
              },
            ];
      },
    },
    {
      capability: 'rollouts',
      check: () =>
        config.kubernetesClusters.length > 0
          ? []
          : [
              {
                kind: 'config',
                keys: ['gantry.kubernetes.clusters'],
                message:
                  'No Kubernetes cluster is configured for Argo Rollouts. Add gantry.kubernetes.clusters (name, url, serviceAccountToken) to app-config.yaml.',
              },
            ],
    },
    prometheus('analysis'),
    prometheus('slos'),
  ];
}
