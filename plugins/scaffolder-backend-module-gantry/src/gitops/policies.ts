import { gatePolicies } from './gatePolicy';
import { monitorPolicies } from './monitorPolicy';
import { chaosPolicies } from './chaosPolicy';
import { tlsPolicies } from './tlsPolicy';

export interface Violation {
  file: string;
  /** `Kind/name` */
  object: string;
  /** Dotted path inside the object, e.g. spec.template.spec.containers[0].image */
  field: string;
  message: string;
  fix: string;
}

export interface Manifest {
  file: string;
  obj: any;
  /** Environment the manifest is for, when known (overlay name or label). */
  environment?: string;
}

const objectName = (m: Manifest) =>
  `${m.obj.kind}/${m.obj.metadata?.name ?? '(unnamed)'}`;

/** Where the pod spec sits in each workload kind. */
function podSpecPath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Rollout':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return ['spec', 'template', 'spec'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    case 'Pod':
      return ['spec'];
    default:
      return undefined;
  }
}

const get = (obj: any, path: string[]) =>
  path.reduce(
    (o, k) => (o === undefined || o === null ? undefined : o[k]),
    obj,
  );

/** Kubernetes "restricted" Pod Security Standard plus Gantry's own: read-only root, limits, pinned images. */
function podPolicies(m: Manifest, out: Violation[]) {
  const path = podSpecPath(m.obj.kind);
  if (!path) return;
  const pod = get(m.obj, path);
  if (!pod) return;
  const base = path.join('.');
  const add = (field: string, message: string, fix: string) =>
    out.push({
      file: m.file,
      object: objectName(m),
      field: `${base}.${field}`,
      message,
      fix,
    });

  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) {
    add(
      'hostNetwork',
      'shares a host namespace (hostNetwork, hostPID or hostIPC)',
      'Remove hostNetwork, hostPID and hostIPC; the restricted Pod Security Standard forbids them.',
    );
  }
  (pod.volumes ?? []).forEach((v: any, i: number) => {
    if (v.hostPath)
      add(
        `volumes[${i}].hostPath`,
        `volume '${v.name}' mounts a host path`,
        'Use an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim instead of hostPath.',
      );
  });
  const podSc = pod.securityContext ?? {};
  const containers = [
    ...(pod.initContainers ?? []).map((c: any, i: number) => ({
      c,
      at: `initContainers[${i}]`,
    })),
    ...(pod.containers ?? []).map((c: any, i: number) => ({
      c,
      at: `containers[${i}]`,
    })),
  ];
  for (const { c, at } of containers) {
    const sc = c.securityContext ?? {};
    const where = `${at}.securityContext`;
    if (sc.privileged)
      add(
        `${where}.privileged`,
        `container '${c.name}' is privileged`,
        'Set privileged: false.',
      );
    if (sc.allowPrivilegeEscalation !== false) {
      add(
        `${where}.allowPrivilegeEscalation`,
        `container '${c.name}' may escalate privileges`,
        'Set allowPrivilegeEscalation: false.',
      );
    }
    if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) {
      add(
        `${where}.runAsNonRoot`,
        `container '${c.name}' may run as root`,
        'Set runAsNonRoot: true on the pod or the container, and run the image as a non-zero UID.',
      );
    }
    if (sc.runAsUser === 0 || podSc.runAsUser === 0) {
      add(
        `${where}.runAsUser`,
        `container '${c.name}' runs as UID 0`,
        'Run as a non-zero UID (for example 10001).',
      );
    }
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add(
        `${where}.seccompProfile.type`,
        `container '${c.name}' has no RuntimeDefault or Localhost seccomp profile`,
        'Set seccompProfile: {type: RuntimeDefault} on the pod or the container.',
      );
    }
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) {
      add(
        `${where}.capabilities.drop`,
        `container '${c.name}' does not drop ALL capabilities`,
        'Set capabilities: {drop: [ALL]} (add back only NET_BIND_SERVICE if you must).',
      );
    }
    const added: string[] = sc.capabilities?.add ?? [];
    if (added.some(cap => cap !== 'NET_BIND_SERVICE')) {
      add(
        `${where}.capabilities.add`,
        `container '${c.name}' adds ${added.join(', ')}`,
        'Only NET_BIND_SERVICE may be added under the restricted standard.',
      );
    }
    if (sc.readOnlyRootFilesystem !== true) {
      add(
        `${where}.readOnlyRootFilesystem`,
        `container '${c.name}' can write its root filesystem`,
        'Set readOnlyRootFilesystem: true and mount an emptyDir where the app writes (e.g. /tmp).',
      );
    }
    if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory) {
      add(
        `${at}.resources.limits`,
        `container '${c.name}' has no CPU and memory limits`,
        'Set resources.limits.cpu and resources.limits.memory.',
      );
    }
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) {
      add(
        `${at}.resources.requests`,
        `container '${c.name}' has no CPU and memory requests`,
        'Set resources.requests.cpu and resources.requests.memory.',
      );
    }
    const image: string = c.image ?? '';
    const tag = image.includes('@')
      ? 'digest'
      : image.split('/').pop()!.split(':')[1];
    if (!tag || tag === 'latest') {
      add(
        `${at}.image`,
        `container '${c.name}' uses ${
          tag ? 'the :latest tag' : 'no tag'
        } (${image})`,
        'Pin a version tag or a digest so every environment runs the same build.',
      );
    }
  }
}

function canaryPolicies(m: Manifest, out: Violation[]) {
  if (m.obj.kind !== 'Rollout') return;
  const steps: any[] = m.obj.spec?.strategy?.canary?.steps ?? [];
  if (!m.obj.spec?.strategy?.canary?.trafficRouting) {
    steps.forEach((s, i) => {
      if (s?.setCanaryScale)
        out.push({
          file: m.file,
          object: objectName(m),
          field: `spec.strategy.canary.steps[${i}].setCanaryScale`,
          message:
            'requires spec.strategy.canary.trafficRouting: without a router Argo Rollouts refuses the Rollout (weights are replica ratios there)',
          fix: 'Remove the setCanaryScale step, or configure trafficRouting (nginx, Gateway API plugin, Istio or SMI).',
        });
    });
  }
  const weights = steps
    .map((s, i) => ({ w: s.setWeight, i }))
    .filter(s => typeof s.w === 'number');
  if (steps.length === 0 || weights.length === 0) return;
  for (let k = 1; k < weights.length; k++) {
    if (weights[k].w <= weights[k - 1].w) {
      out.push({
        file: m.file,
        object: objectName(m),
        field: `spec.strategy.canary.steps[${weights[k].i}].setWeight`,
        message: `canary weight ${
          weights[k].w
        } does not rise above the previous step's ${weights[k - 1].w}`,
        fix: 'Order setWeight steps ascending, e.g. 5, 25, 50, 75, 100.',
      });
    }
  }
  const last = weights[weights.length - 1];
  if (last.w !== 100) {
    out.push({
      file: m.file,
      object: objectName(m),
      field: `spec.strategy.canary.steps[${last.i}].setWeight`,
      message: `the canary ends at ${last.w} %, not 100 %`,
      fix: 'End the steps with setWeight: 100 so the rollout completes on its own terms.',
    });
  }
}

const matches = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) =>
  Boolean(selector) &&
  Object.entries(selector!).every(([k, v]) => labels?.[k] === v);

/** Production needs at least two replicas and a PodDisruptionBudget covering the pods. */
function productionPolicies(all: Manifest[], out: Violation[]) {
  const prod = all.filter(m => m.environment === 'production');
  for (const m of prod) {
    if (m.obj.kind !== 'Rollout' && m.obj.kind !== 'Deployment') continue;
    const name = m.obj.metadata?.name;
    const hpa = prod.find(
      h =>
        h.obj.kind === 'HorizontalPodAutoscaler' &&
        h.obj.spec?.scaleTargetRef?.name === name &&
        h.obj.spec?.scaleTargetRef?.kind === m.obj.kind,
    );
    const replicas = hpa
      ? hpa.obj.spec?.minReplicas ?? 1
      : m.obj.spec?.replicas ?? 1;
    if (replicas < 2) {
      out.push({
        file: hpa ? hpa.file : m.file,
        object: hpa ? objectName(hpa) : objectName(m),
        field: hpa ? 'spec.minReplicas' : 'spec.replicas',
        message: `production runs ${replicas} replica(s)`,
        fix: 'Run at least 2 replicas in production so one can be drained or disrupted.',
      });
    }
    const labels = m.obj.spec?.template?.metadata?.labels;
    const covered = prod.some(
      p =>
        p.obj.kind === 'PodDisruptionBudget' &&
        matches(p.obj.spec?.selector?.matchLabels, labels),
    );
    if (!covered) {
      out.push({
        file: m.file,
        object: objectName(m),
        field: 'spec.template.metadata.labels',
        message: 'no PodDisruptionBudget in production selects these pods',
        fix: 'Add a policy/v1 PodDisruptionBudget (maxUnavailable: 1) whose selector matches the pod labels.',
      });
    }
  }
}

export function checkPolicies(
  manifests: Manifest[],
  opts: { requireTls?: string[] } = {},
): Violation[] {
  const out: Violation[] = [];
  for (const m of manifests) {
    podPolicies(m, out);
    canaryPolicies(m, out);
  }
  productionPolicies(manifests, out);
  gatePolicies(manifests, out);
  monitorPolicies(manifests, out);
  tlsPolicies(manifests, out, opts.requireTls);
  chaosPolicies(manifests, out);
  return out;
}
