import type { EgressRule, Environment, OverlayOptions } from './options';
import { ANALYSIS_METRIC, canaryWeights } from './canaryPlan';
import { routerNamespace, trafficRouting } from './traffic';
import { WAVE, selectorLabels, serviceNames, wave } from './labels';
import { SECRET_KEYS, alertingSecretName } from './alerting';
import { CHAOS_TEMPLATE, TRACK_LABEL } from './chaos';
import {
  VERSION_LABEL,
  entityPath,
  gateArgs,
  gateMetric,
  gateTemplateArgs,
} from './gate';

export const ANALYSIS_TEMPLATE = (o: OverlayOptions) =>
  `${o.name}-canary-analysis`;

/**
 * Analysis args: Argo Rollouts fills the pod template hashes of the canary and stable
 * ReplicaSets; `step` keys Gantry's judge verdict (one per rollout, canary and step;
 * blue-green's pre-promotion analysis is step 0).
 */
export function analysisArgs(
  o: OverlayOptions,
  env: Environment,
  step = 0,
  windowMinutes = 5,
) {
  return [
    ...gateArgs(env),
    { name: 'service-name', value: o.name },
    { name: 'namespace', value: o.namespace },
    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
    { name: 'step', value: String(step) },
    // the judge compares canary and stable over the pause before this analysis
    { name: 'window-seconds', value: String(windowMinutes * 60) },
  ];
}

/**
 * The canary walk of one environment: each weight, the observation pause, then the analysis.
 * Through a router the canary's pods follow the weight's share of requests (stated with
 * setCanaryScale, which Argo Rollouts only accepts with trafficRouting).
 */
export function canarySteps(o: OverlayOptions, env: Environment) {
  const pauseMinutes = o.environments[env].pauseMinutes;
  const steps: object[] = [];
  if (o.trafficRouting !== 'none')
    steps.push({ setCanaryScale: { matchTrafficWeight: true } });
  for (const weight of canaryWeights(o, env)) {
    steps.push({ setWeight: weight });
    if (weight === 100) break;
    steps.push({ pause: { duration: `${pauseMinutes}m` } });
    // the staging drill runs beside the first analysis, which judges the canary under fault
    const drill =
      env === 'staging' && o.chaos && !steps.some(s => 'analysis' in s);
    steps.push({
      analysis: {
        templates: [
          { templateName: ANALYSIS_TEMPLATE(o) },
          ...(drill ? [{ templateName: CHAOS_TEMPLATE(o) }] : []),
        ],
        args: analysisArgs(o, env, steps.length, pauseMinutes),
      },
    });
  }
  return steps;
}

function strategy(o: OverlayOptions) {
  const { primary, secondary } = serviceNames(o);
  if (o.strategy === 'blueGreen') {
    return {
      blueGreen: {
        activeService: primary,
        previewService: secondary,
        autoPromotionEnabled: true,
        scaleDownDelaySeconds: 60,
        prePromotionAnalysis: {
          templates: [{ templateName: ANALYSIS_TEMPLATE(o) }],
          args: analysisArgs(o, 'staging'),
        },
      },
    };
  }
  const routing = trafficRouting(o);
  return {
    canary: {
      stableService: primary,
      canaryService: secondary,
      maxUnavailable: 0,
      maxSurge: '25%',
      // ephemeral: on the canary's pods only while they are the canary (drills select them)
      canaryMetadata: { labels: { [TRACK_LABEL]: 'canary' } },
      stableMetadata: { labels: { [TRACK_LABEL]: 'stable' } },
      ...(routing ? { trafficRouting: routing } : {}),
      steps: canarySteps(o, 'staging'),
    },
  };
}

const containerSecurity = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function rollout(o: OverlayOptions) {
  const s = o.environments.staging;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: o.name,
      labels: { [VERSION_LABEL]: o.tag },
      annotations: wave(WAVE.workload),
    },
    spec: {
      replicas: s.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(o) },
      strategy: strategy(o),
      template: {
        metadata: {
          labels: {
            ...selectorLabels(o),
            'backstage.io/kubernetes-id': o.name,
            [VERSION_LABEL]: o.tag,
          },
        },
        spec: {
          serviceAccountName: o.name,
          automountServiceAccountToken: false,
          // Connections drain during the preStop sleep, well inside the grace period.
          terminationGracePeriodSeconds: 45,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(o) },
            },
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(o) },
            },
          ],
          containers: [
            {
              name: o.name,
              image: `${o.image}:${o.tag}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: o.port, protocol: 'TCP' }],
              envFrom: [
                { secretRef: { name: `${o.name}-secrets`, optional: true } },
              ],
              resources: {
                requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
                limits: { cpu: s.cpuLimit, memory: s.memoryLimit },
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

/**
 * Stable and canary (active and preview) Services, whose selectors Argo Rollouts narrows to
 * one ReplicaSet each, and for a canary the root Service over every pod: what SMI splits and
 * in-cluster callers (or, without a router, users) reach.
 */
export function services(o: OverlayOptions) {
  const { primary, secondary } = serviceNames(o);
  const names =
    o.strategy === 'canary'
      ? [o.name, primary, secondary]
      : [primary, secondary];
  return names.map(name => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      labels: selectorLabels(o),
      annotations: wave(WAVE.identity),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(o),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  }));
}

export function serviceAccount(o: OverlayOptions) {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: o.name, annotations: wave(WAVE.identity) },
    automountServiceAccountToken: false,
  };
}

export function hpa(o: OverlayOptions) {
  const s = o.environments.staging;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: o.name, annotations: wave(WAVE.scaling) },
    spec: {
      scaleTargetRef: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        name: o.name,
      },
      minReplicas: s.minReplicas ?? s.replicas,
      maxReplicas: s.maxReplicas ?? Math.max(s.replicas * 3, 4),
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    },
  };
}

export function pdb(o: OverlayOptions) {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: o.name, annotations: wave(WAVE.scaling) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(o) } },
  };
}

export function networkPolicies(o: OverlayOptions) {
  const byName = (ns: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
  });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: `${o.name}-default-deny`,
        annotations: wave(WAVE.secrets),
      },
      spec: {
        podSelector: { matchLabels: selectorLabels(o) },
        policyTypes: ['Ingress', 'Egress'],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: `${o.name}-allow-ingress`,
        annotations: wave(WAVE.secrets),
      },
      spec: {
        podSelector: { matchLabels: selectorLabels(o) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [byName(routerNamespace(o))],
            ports: [{ protocol: 'TCP', port: o.port }],
          },
          {
            from: [byName(o.monitoringNamespace)],
            ports: [{ protocol: 'TCP', port: o.port }],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: `${o.name}-allow-dns`,
        annotations: wave(WAVE.secrets),
      },
      spec: {
        podSelector: { matchLabels: selectorLabels(o) },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                ...byName('kube-system'),
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    ...(o.egress.length
      ? [
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: {
              name: `${o.name}-allow-dependencies`,
              annotations: {
                ...wave(WAVE.secrets),
                'gantry.dev/egress-hosts': o.egress
                  .map(r => r.host ?? r.name ?? r.cidr ?? r.namespace)
                  .join(', '),
              },
            },
            spec: {
              podSelector: { matchLabels: selectorLabels(o) },
              policyTypes: ['Egress'],
              egress: o.egress.map(egressRule),
            },
          },
        ]
      : []),
  ];
}

function egressRule(r: EgressRule) {
  const peer = r.cidr
    ? { ipBlock: { cidr: r.cidr } }
    : {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': r.namespace! },
        },
        ...(r.podLabels ? { podSelector: { matchLabels: r.podLabels } } : {}),
      };
  return {
    to: [peer],
    ports: r.ports.map(p => ({ protocol: p.protocol, port: p.port })),
  };
}

/** The pod label Argo Rollouts puts on each ReplicaSet's pods. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/**
 * Scrapes each pod once, with the labels the analysis queries select on: `namespace`,
 * `service` = the app name (a ServiceMonitor would set the scraped Service's name, once
 * per Service selecting the pod) and `rollouts_pod_template_hash` from the pod label.
 */
export function podMonitor(o: OverlayOptions) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: o.name, annotations: wave(WAVE.scaling) },
    spec: {
      selector: { matchLabels: selectorLabels(o) },
      podTargetLabels: [POD_TEMPLATE_HASH_LABEL],
      podMetricsEndpoints: [
        {
          port: 'http',
          path: '/metrics',
          interval: '30s',
          relabelings: [
            { action: 'replace', targetLabel: 'service', replacement: o.name },
          ],
        },
      ],
    },
  };
}

/**
 * Error rate < 1 %, p99 latency < 500 ms and per-pod throughput >= 95 % of stable,
 * canary and stable told apart by their pod template hash.
 */
export function analysisTemplate(o: OverlayOptions) {
  const sel = (hash: string) =>
    `namespace="{{args.namespace}}",service="{{args.service-name}}",rollouts_pod_template_hash="{{args.${hash}}}"`;
  const measurements = {
    interval: `${ANALYSIS_METRIC.intervalMinutes}m`,
    count: ANALYSIS_METRIC.count,
  };
  const prometheus = (query: string) => ({
    prometheus: {
      address: 'http://prometheus-operated.monitoring.svc:9090',
      query,
    },
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: ANALYSIS_TEMPLATE(o), annotations: wave(WAVE.identity) },
    spec: {
      args: [
        { name: 'service-name' },
        { name: 'namespace' },
        { name: 'canary-hash' },
        { name: 'stable-hash' },
        { name: 'step' },
        { name: 'window-seconds' },
        ...gateTemplateArgs(o),
        {
          name: 'gantry-token',
          valueFrom: {
            secretKeyRef: {
              name: alertingSecretName(o),
              key: SECRET_KEYS.canaryJudge,
            },
          },
        },
      ],
      metrics: [
        // first, so no other measurement can let a release through that fails its gate
        gateMetric(o),
        {
          // Gantry's statistical judge (baseline vs canary over the pause before this
          // step); Marginal and Error verdicts leave the metric Inconclusive, which
          // pauses the rollout for a person instead of failing or passing it.
          name: 'gantry-canary-judge',
          count: 1,
          consecutiveErrorLimit: 3,
          successCondition: 'result.verdict == "Pass"',
          failureCondition: 'result.verdict == "Fail"',
          provider: {
            web: {
              method: 'POST',
              url: `${o.alerting.gantryUrl.replace(
                /\/$/,
                '',
              )}/api/gantry/entities/${entityPath(o)}/canary/analyses`,
              timeoutSeconds: 30,
              headers: [
                { key: 'Authorization', value: 'Bearer {{args.gantry-token}}' },
                { key: 'Content-Type', value: 'application/json' },
              ],
              jsonBody: {
                rolloutNamespace: '{{args.namespace}}',
                rollout: '{{args.service-name}}',
                service: '{{args.service-name}}',
                step: '{{args.step}}',
                canaryHash: '{{args.canary-hash}}',
                baselineHash: '{{args.stable-hash}}',
                windowSeconds: '{{args.window-seconds}}',
                stepSeconds: 30,
              },
              jsonPath: '{$}',
            },
          },
        },
        {
          name: 'error-rate',
          ...measurements,
          failureLimit: 1,
          successCondition: 'result[0] < 0.01',
          provider: prometheus(
            `sum(rate(http_requests_total{${sel(
              'canary-hash',
            )},code=~"5.."}[2m])) / sum(rate(http_requests_total{${sel(
              'canary-hash',
            )}}[2m]))`,
          ),
        },
        {
          name: 'latency-p99',
          ...measurements,
          failureLimit: 1,
          successCondition: 'result[0] < 0.5',
          provider: prometheus(
            `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel(
              'canary-hash',
            )}}[2m])))`,
          ),
        },
        {
          name: 'throughput-vs-stable',
          ...measurements,
          failureLimit: 1,
          successCondition: 'result[0] >= 0.95',
          provider: prometheus(
            `(sum(rate(http_requests_total{${sel(
              'canary-hash',
            )}}[2m])) / count(up{${sel(
              'canary-hash',
            )}})) / (sum(rate(http_requests_total{${sel(
              'stable-hash',
            )}}[2m])) / count(up{${sel('stable-hash')}}))`,
          ),
        },
      ],
    },
  };
}
