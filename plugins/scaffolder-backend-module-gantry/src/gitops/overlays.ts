import { ANALYSIS_TEMPLATE, analysisArgs, canarySteps } from './base';
import { versionReplacements } from './gate';
import { WAVE, wave } from './labels';
import { chaosConfigMapGenerator } from './chaos';
import { migrationImageReplacement } from './migration';
import type { Environment, OverlayOptions } from './options';

/** JSON 6902 operations on the base Rollout for one environment. */
export function rolloutPatch(o: OverlayOptions, env: Environment) {
  const e = o.environments[env];
  const ops: object[] = [
    { op: 'replace', path: '/spec/replicas', value: e.replicas },
    {
      op: 'replace',
      path: '/spec/template/spec/containers/0/resources',
      value: {
        requests: { cpu: e.cpuRequest, memory: e.memoryRequest },
        limits: { cpu: e.cpuLimit, memory: e.memoryLimit },
      },
    },
  ];
  if (o.strategy === 'canary') {
    ops.push({
      op: 'replace',
      path: '/spec/strategy/canary/steps',
      value: canarySteps(o, env),
    });
  } else {
    // production waits for a person (through Gantry's approvals) before switching traffic
    ops.push({
      op: 'replace',
      path: '/spec/strategy/blueGreen/autoPromotionEnabled',
      value: env !== 'production',
    });
    ops.push({
      op: 'replace',
      path: '/spec/strategy/blueGreen/prePromotionAnalysis',
      value: {
        templates: [{ templateName: ANALYSIS_TEMPLATE(o) }],
        args: analysisArgs(o, env),
      },
    });
  }
  return ops;
}

export function hpaPatch(o: OverlayOptions, env: Environment) {
  const e = o.environments[env];
  return [
    {
      op: 'replace',
      path: '/spec/minReplicas',
      value: e.minReplicas ?? e.replicas,
    },
    {
      op: 'replace',
      path: '/spec/maxReplicas',
      value: e.maxReplicas ?? Math.max(e.replicas * 3, 4),
    },
  ];
}

/** External Secrets Operator pulls the service's secrets from Vault or AWS Secrets Manager. */
export function externalSecret(o: OverlayOptions, env: Environment) {
  const key =
    o.secretStore.provider === 'vault'
      ? `${env}/${o.name}`
      : `${env}/${o.namespace}/${o.name}`;
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: o.name, annotations: wave(WAVE.secrets) },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: o.secretStore.name },
      target: { name: `${o.name}-secrets`, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key } }],
    },
  };
}

export function overlayKustomization(o: OverlayOptions, env: Environment) {
  const drill = Boolean(o.chaos) && env === 'staging';
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: o.namespace,
    resources: [
      '../../base',
      'route.yaml',
      'externalsecret.yaml',
      'alerting-secret.yaml',
      'alertmanagerconfig.yaml',
      ...(o.migration?.externalSecret ? ['migration-secret.yaml'] : []),
      ...(drill ? ['chaos-drill.yaml'] : []),
    ],
    ...(drill ? { configMapGenerator: [chaosConfigMapGenerator(o)] } : {}),
    labels: [
      { pairs: { 'gantry.dev/environment': env }, includeSelectors: false },
    ],
    // the one field Gantry's promotion rewrites (newTag, digest) per environment
    images: [
      {
        name: o.image,
        newName: o.image,
        newTag: o.tag,
        ...(o.digest ? { digest: o.digest } : {}),
      },
    ],
    replacements: [
      ...versionReplacements(o),
      ...(o.migration?.image && o.migration.image !== o.image
        ? [migrationImageReplacement(o, o.migration.image.split(':').length)]
        : []),
    ],
    patches: [
      {
        path: 'rollout-patch.yaml',
        target: {
          group: 'argoproj.io',
          version: 'v1alpha1',
          kind: 'Rollout',
          name: o.name,
        },
      },
      {
        path: 'hpa-patch.yaml',
        target: {
          group: 'autoscaling',
          version: 'v2',
          kind: 'HorizontalPodAutoscaler',
          name: o.name,
        },
      },
    ],
  };
}

export function baseKustomization(o: OverlayOptions) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [
      {
        pairs: {
          'app.kubernetes.io/name': o.name,
          'app.kubernetes.io/managed-by': 'argocd',
        },
        includeSelectors: false,
      },
      // what the catalog annotation backstage.io/kubernetes-id finds (the Rollout sets
      // it on its pods itself: kustomize does not know where a Rollout's template is)
      {
        pairs: { 'backstage.io/kubernetes-id': o.name },
        includeSelectors: false,
      },
    ],
    resources: [
      'serviceaccount.yaml',
      'services.yaml',
      'networkpolicy.yaml',
      'analysistemplate.yaml',
      'rollout.yaml',
      'hpa.yaml',
      'pdb.yaml',
      'podmonitor.yaml',
      ...(o.migration ? ['migration.yaml'] : []),
    ],
  };
}
