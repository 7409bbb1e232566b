import { alertingSecretName, entityRefOf } from './alerting';
import type { Environment, OverlayOptions } from './options';

/** Name of the AnalysisTemplate's first metric: Gantry's release gate. */
export const GATE_METRIC = 'gantry-release-gate';

/** The Rollout label the analysis reads the release from; the overlay copies the image tag into it. */
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** Annotation the overlay's replacements use to carry `<image>:<tag>` without the digest. */
export const IMAGE_REF_ANNOTATION = 'gantry.dev/image-ref';

/** default/component/checkout, as Gantry's entity routes spell an entity. */
export const entityPath = (o: OverlayOptions) => {
  const [kind, rest] = entityRefOf(o).split(':');
  const [namespace, name] = rest.split('/');
  return `${namespace}/${kind}/${name}`;
};

export const gateTokenSecret = (o: OverlayOptions) => ({
  name: o.gate.tokenSecretName ?? alertingSecretName(o),
  key: o.gate.tokenSecretKey,
});

export function gateUrl(o: OverlayOptions) {
  const base = (o.gate.baseUrl ?? o.alerting.gantryUrl).replace(/\/+$/, '');
  return `${base}/api/gantry/entities/${entityPath(
    o,
  )}/releases/{{args.release}}/gates/{{args.environment}}`;
}

/** Analysis args the Rollout passes for the gate: the release from its version label, and the environment. */
export function gateArgs(env: Environment) {
  return [
    {
      name: 'release',
      valueFrom: {
        fieldRef: { fieldPath: `metadata.labels['${VERSION_LABEL}']` },
      },
    },
    { name: 'environment', value: env },
  ];
}

/** AnalysisTemplate args the gate metric reads. */
export function gateTemplateArgs(o: OverlayOptions) {
  return [
    { name: 'release' },
    { name: 'environment' },
    { name: 'gate-token', valueFrom: { secretKeyRef: gateTokenSecret(o) } },
  ];
}

/**
 * Asks Gantry's gate about the release being rolled out, so a sync made outside Gantry
 * cannot advance a canary (or switch blue-green traffic) whose release fails its gate.
 * The gate answers 200 with {verdict: pass|fail}; anything but pass fails the run at
 * once (failureLimit 0), which aborts the Rollout. Gantry being unreachable is an Error
 * (non-2xx), which also aborts after consecutiveErrorLimit tries.
 */
export function gateMetric(o: OverlayOptions) {
  return {
    name: GATE_METRIC,
    count: 1,
    failureLimit: 0,
    consecutiveErrorLimit: 2,
    successCondition: 'result == "pass"',
    provider: {
      web: {
        method: 'GET',
        url: gateUrl(o),
        timeoutSeconds: 20,
        headers: [
          { key: 'Authorization', value: 'Bearer {{args.gate-token}}' },
          { key: 'Accept', value: 'application/json' },
        ],
        jsonPath: '{$.verdict}',
      },
    },
  };
}

/**
 * Kustomize replacements that copy the tag the overlay's `images:` entry sets into the
 * Rollout's version label (metadata, read by the analysis args, and pod template), so
 * promotion rewrites one field only: images[].newTag (and digest).
 */
export function versionReplacements(o: OverlayOptions) {
  const rollout = { group: 'argoproj.io', kind: 'Rollout', name: o.name };
  // the repository may carry a registry port, e.g. registry:5000/acme/checkout
  const tagIndex = o.image.split(':').length;
  return [
    {
      source: {
        ...rollout,
        fieldPath: `spec.template.spec.containers.[name=${o.name}].image`,
        options: { delimiter: '@', index: 0 },
      },
      targets: [
        {
          select: rollout,
          fieldPaths: [`metadata.annotations.[${IMAGE_REF_ANNOTATION}]`],
          options: { create: true },
        },
      ],
    },
    {
      source: {
        ...rollout,
        fieldPath: `metadata.annotations.[${IMAGE_REF_ANNOTATION}]`,
        options: { delimiter: ':', index: tagIndex },
      },
      targets: [
        {
          select: rollout,
          fieldPaths: [
            `metadata.labels.[${VERSION_LABEL}]`,
            `spec.template.metadata.labels.[${VERSION_LABEL}]`,
          ],
          options: { create: true },
        },
      ],
    },
  ];
}
