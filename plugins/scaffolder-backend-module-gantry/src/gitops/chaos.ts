import { ANALYSIS_MINUTES } from './canaryPlan';
import { entityPath } from './gate';
import { WAVE, selectorLabels, wave } from './labels';
import type { ChaosExperiment, OverlayOptions } from './options';

/** Ephemeral label Argo Rollouts puts on the canary's (and the stable's) pods during an update. */
export const TRACK_LABEL = 'gantry.dev/track';
/** Label of the ConfigMap holding the experiments, which the validator unpacks. */
export const CHAOS_DRILL_LABEL = 'gantry.dev/chaos-drill';
export const CHAOS_API = 'chaos-mesh.org/v1alpha1';

export const CHAOS_DRILL = (o: OverlayOptions) => `${o.name}-chaos-drill`;
export const CHAOS_TEMPLATE = CHAOS_DRILL;
export const chaosExperimentName = (o: OverlayOptions, e: ChaosExperiment) =>
  `${o.name}-drill-${e}`;
/** Evidence names of each experiment, as the `chaos-drill` evidence format spells them. */
export const EXPERIMENT_KIND: Record<
  ChaosExperiment,
  { kind: string; action: string }
> = {
  'pod-kill': { kind: 'PodChaos', action: 'pod-kill' },
  latency: { kind: 'NetworkChaos', action: 'delay' },
  loss: { kind: 'NetworkChaos', action: 'loss' },
};

/** Seconds of a Go duration such as 1m30s. */
export function durationSeconds(d: string): number {
  let total = 0;
  for (const [, n, unit] of d.matchAll(/([0-9]+)(ms|s|m|h)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit]!;
  }
  return total;
}

/** The drill must end inside the analysis that judges the canary under it. */
export function chaosProblems(o: OverlayOptions): string[] {
  const c = o.chaos;
  if (!c) return [];
  const problems: string[] = [];
  if (o.strategy !== 'canary')
    problems.push(
      'chaos runs during a staging canary analysis step: set strategy canary, or remove chaos',
    );
  if (durationSeconds(c.duration) > ANALYSIS_MINUTES * 60)
    problems.push(
      `chaos.duration is ${c.duration}: the canary analysis under fault lasts ${ANALYSIS_MINUTES} minutes, so the fault must end within ${ANALYSIS_MINUTES}m; shorten it`,
    );
  return problems;
}

/** Chaos Mesh experiments on the canary's pods only, one per requested fault. */
export function chaosExperiments(o: OverlayOptions) {
  const c = o.chaos!;
  const selector = {
    namespaces: [o.namespace],
    labelSelectors: { ...selectorLabels(o), [TRACK_LABEL]: 'canary' },
  };
  const target = {
    selector,
    mode: c.mode,
    ...(c.mode === 'fixed-percent' ? { value: String(c.percent) } : {}),
  };
  const metadata = (e: ChaosExperiment) => ({
    name: chaosExperimentName(o, e),
    namespace: o.namespace,
    labels: { [CHAOS_DRILL_LABEL]: o.name },
  });
  return c.experiments.map(e => {
    if (e === 'pod-kill')
      return {
        e,
        obj: {
          apiVersion: CHAOS_API,
          kind: 'PodChaos',
          metadata: metadata(e),
          spec: { action: 'pod-kill', ...target },
        },
      };
    return {
      e,
      obj: {
        apiVersion: CHAOS_API,
        kind: 'NetworkChaos',
        metadata: metadata(e),
        spec: {
          ...target,
          duration: c.duration,
          direction: 'to',
          ...(e === 'latency'
            ? {
                action: 'delay',
                delay: {
                  latency: c.latency,
                  jitter: c.jitter,
                  correlation: '0',
                },
              }
            : {
                action: 'loss',
                loss: { loss: String(c.lossPercent), correlation: '0' },
              }),
        },
      },
    };
  });
}

const kubectl = (o: OverlayOptions, name: string, args: string[]) => ({
  name,
  image: o.chaos!.kubectlImage,
  command: ['kubectl', ...args],
  env: [{ name: 'HOME', value: '/tmp' }],
  resources: {
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '200m', memory: '128Mi' },
  },
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
  volumeMounts: [
    { name: 'drill', mountPath: '/drill', readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ],
});

/**
 * The staging overlay's drill: an AnalysisTemplate whose one metric is a Job that starts
 * the experiments (delete the last drill's, create, wait until Chaos Mesh injected them).
 * The first staging analysis step runs it beside the canary analysis, so the judge and
 * the Prometheus metrics measure the canary under fault.
 */
export function chaosDrillResources(o: OverlayOptions) {
  const name = CHAOS_DRILL(o);
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': o.name,
    'app.kubernetes.io/component': 'chaos-drill',
  };
  const annotations = wave(WAVE.identity);
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, annotations },
      // the Job creates the experiments through the Kubernetes API
      automountServiceAccountToken: true,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, annotations },
      rules: [
        {
          apiGroups: ['chaos-mesh.org'],
          resources: ['podchaos', 'networkchaos'],
          verbs: ['get', 'list', 'watch', 'create', 'delete'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, annotations },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name,
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace: o.namespace }],
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: CHAOS_TEMPLATE(o), annotations },
      spec: {
        metrics: [
          {
            name: 'chaos-drill',
            provider: {
              job: {
                spec: {
                  backoffLimit: 0,
                  activeDeadlineSeconds: 180,
                  template: {
                    metadata: { labels },
                    spec: {
                      serviceAccountName: name,
                      restartPolicy: 'Never',
                      securityContext: {
                        runAsNonRoot: true,
                        runAsUser: 10001,
                        runAsGroup: 10001,
                        seccompProfile: { type: 'RuntimeDefault' },
                      },
                      initContainers: [
                        kubectl(o, 'clear', [
                          'delete',
                          '--ignore-not-found',
                          '--wait=true',
                          '-f',
                          '/drill',
                        ]),
                        kubectl(o, 'inject', ['create', '-f', '/drill']),
                      ],
                      containers: [
                        kubectl(o, 'injected', [
                          'wait',
                          '--for=condition=AllInjected',
                          '--timeout=90s',
                          '-f',
                          '/drill',
                        ]),
                      ],
                      volumes: [
                        { name: 'drill', configMap: { name } },
                        { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
                      ],
                    },
                  },
                },
              },
            },
          },
        ],
      },
    },
  ];
}

export const chaosFile = (e: ChaosExperiment) => `chaos/${e}.yaml`;

/** The staging kustomization's generator: the experiments as files of one ConfigMap. */
export function chaosConfigMapGenerator(o: OverlayOptions) {
  return {
    name: CHAOS_DRILL(o),
    files: o.chaos!.experiments.map(chaosFile),
    options: {
      // the AnalysisTemplate's Job names it; kustomize does not rewrite names inside it
      disableNameSuffixHash: true,
      labels: { [CHAOS_DRILL_LABEL]: 'true' },
    },
  };
}

export function chaosReadme(o: OverlayOptions): string {
  const c = o.chaos!;
  const fault: Record<ChaosExperiment, string> = {
    'pod-kill': 'kills the pod once',
    latency: `+${c.latency} ± ${c.jitter} for ${c.duration}`,
    loss: `${c.lossPercent} % of packets dropped for ${c.duration}`,
  };
  const rows = chaosExperiments(o)
    .map(
      ({ e, obj }) =>
        `| \`${obj.metadata.name}\` | ${obj.kind} | ${EXPERIMENT_KIND[e].action} | ${fault[e]} |`,
    )
    .join('\n');
  const who =
    c.mode === 'one' ? 'one canary pod' : `${c.percent} % of the canary pods`;
  return `# Resilience drill for ${o.name} (staging)

Generated by Gantry (gantry:gitops:overlays). During each staging canary, the **first analysis
step** runs the AnalysisTemplate \`${CHAOS_TEMPLATE(
    o,
  )}\` beside the canary analysis: its Job (ServiceAccount
\`${CHAOS_DRILL(
    o,
  )}\`, allowed only to create and delete PodChaos and NetworkChaos in \`${
    o.namespace
  }\`)
creates these Chaos Mesh experiments from the ConfigMap \`${CHAOS_DRILL(
    o,
  )}\` (files \`overlays/staging/chaos/\`)
and waits until Chaos Mesh reports them injected. The canary analysis (release gate, Gantry's
judge, error rate, p99 latency, throughput) measures the canary **under fault** in the same
AnalysisRun: the step passes only if the canary stays within its thresholds.

| Experiment | Kind | Action | Fault |
| --- | --- | --- | --- |
${rows}

Each selects ${who}: pods labelled \`app.kubernetes.io/name: ${
    o.name
  }\` and \`${TRACK_LABEL}: canary\`,
the label Argo Rollouts puts on the canary's pods only while it is the canary
(\`canaryMetadata\`; the stable's carry \`${TRACK_LABEL}: stable\`). Production never runs a
drill: the generator refuses \`chaos\` outside staging and gantry:gitops:validate rejects Chaos Mesh
experiments in a production overlay.

Requirements: Chaos Mesh 2.x in the staging cluster (if it filters namespaces, annotate
\`${o.namespace}\` with \`chaos-mesh.org/inject=enabled\`), and the image \`${
    c.kubectlImage
  }\` pullable.

## Upload the result as evidence

After the staging canary, record what happened as evidence format \`chaos-drill\` of the release
(a gate rule can require a passed drill before production):

\`\`\`sh
NS=${o.namespace}; RELEASE=1.2.3   # the release the staging canary rolled out
# the AnalysisRun of the drill step: Successful = the canary passed under fault
VERDICT=$(kubectl -n $NS get analysisrun -o json | jq -r '[.items[]
  | select(any(.spec.metrics[]; .name == "chaos-drill"))] | sort_by(.metadata.creationTimestamp)
  | last | if .status.phase == "Successful" then "pass" else "fail" end')
kubectl -n $NS get podchaos,networkchaos -l ${CHAOS_DRILL_LABEL}=${
    o.name
  } -o json | jq --arg v "$VERDICT" --arg r "$RELEASE" '{
  format: "chaos-drill", environment: "staging", release: $r, canaryVerdict: $v,
  experiments: [.items[] | {kind, action: .spec.action, name: .metadata.name,
    injectedAt: ([.status.experiment.containerRecords[]?.events[]? | select(.operation == "Apply" and .type == "Succeeded") | .timestamp] | min),
    recoveredAt: ([.status.experiment.containerRecords[]?.events[]? | select(.operation == "Recover" and .type == "Succeeded") | .timestamp] | max)}]
}' > chaos-drill.json
curl -X POST -H "Authorization: Bearer $GANTRY_TOKEN" --data-binary @chaos-drill.json \\
  "$BACKSTAGE/api/gantry/entities/${entityPath(
    o,
  )}/releases/$RELEASE/evidence/chaos-drill"
\`\`\`

A pod-kill has no Recover event (Chaos Mesh kills the pod once): use the time the replacement
canary pod became Ready as its \`recoveredAt\`.
`;
}
