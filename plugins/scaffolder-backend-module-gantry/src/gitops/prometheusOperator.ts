/**
 * The Prometheus scrape config the Prometheus Operator derives from a PodMonitor, so a test
 * can run the generated monitor in a real Prometheus. Mapping (prometheus-operator
 * pkg/prometheus/promcfg.go, generatePodMonitorConfig), per podMetricsEndpoints[i]:
 *
 * - job_name `podMonitor/<namespace>/<name>/<i>`; kubernetes_sd_configs role pod in the
 *   monitor's namespace (the caller replaces discovery with targets carrying the same
 *   `__meta_kubernetes_*` labels); interval, path, scheme, honorLabels as given.
 * - relabel_configs, in this order:
 *   1. `job` -> `__tmp_prometheus_job_name`
 *   2. drop pods whose `__meta_kubernetes_pod_phase` is Failed or Succeeded
 *   3. selector.matchLabels: keep where `__meta_kubernetes_pod_label_<l>` and
 *      `__meta_kubernetes_pod_labelpresent_<l>` match `(<value>);true`
 *   4. port: keep where `__meta_kubernetes_pod_container_port_name` is the port name
 *   5. `__meta_kubernetes_namespace` -> `namespace`, `__meta_kubernetes_pod_container_name`
 *      -> `container`, `__meta_kubernetes_pod_name` -> `pod`
 *   6. podTargetLabels: `__meta_kubernetes_pod_label_<l>` -> `<l>` (regex `(.+)`), both
 *      sanitised (every character outside [a-zA-Z0-9_] becomes `_`)
 *   7. `job` = `<namespace>/<name>` (or the pod label named by spec.jobLabel)
 *   8. `endpoint` = the port name
 *   9. the endpoint's own relabelings (camelCase fields to snake_case)
 *   10. sharding: hashmod of `__address__` into `__tmp_hash`, keep shard 0 (one shard)
 * - metric_relabel_configs from metricRelabelings.
 *
 * No `service` label: a PodMonitor's series carry one only if a relabeling sets it.
 */
export function sanitizeLabelName(name: string) {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function relabeling(r: Record<string, any>) {
  const out: Record<string, unknown> = {};
  if (r.sourceLabels) out.source_labels = r.sourceLabels;
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.targetLabel !== undefined) out.target_label = r.targetLabel;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.modulus !== undefined) out.modulus = r.modulus;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  if (r.action !== undefined) out.action = String(r.action).toLowerCase();
  return out;
}

export function podMonitorScrapeConfigs(monitor: any, namespace: string) {
  const name = monitor.metadata.name;
  const spec = monitor.spec;
  const matchLabels: Record<string, string> = spec.selector?.matchLabels ?? {};
  return (spec.podMetricsEndpoints ?? []).map((ep: any, i: number) => ({
    job_name: `podMonitor/${namespace}/${name}/${i}`,
    honor_labels: Boolean(ep.honorLabels),
    ...(ep.interval ? { scrape_interval: ep.interval } : {}),
    metrics_path: ep.path ?? '/metrics',
    scheme: ep.scheme ?? 'http',
    relabel_configs: [
      { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
      {
        action: 'drop',
        source_labels: ['__meta_kubernetes_pod_phase'],
        regex: '(Failed|Succeeded)',
      },
      ...Object.entries(matchLabels).map(([k, v]) => ({
        action: 'keep',
        source_labels: [
          `__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`,
          `__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`,
        ],
        regex: `(${v});true`,
      })),
      ...(ep.port
        ? [
            {
              action: 'keep',
              source_labels: ['__meta_kubernetes_pod_container_port_name'],
              regex: ep.port,
            },
          ]
        : []),
      {
        source_labels: ['__meta_kubernetes_namespace'],
        target_label: 'namespace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_container_name'],
        target_label: 'container',
      },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      ...(spec.podTargetLabels ?? []).map((l: string) => ({
        source_labels: [`__meta_kubernetes_pod_label_${sanitizeLabelName(l)}`],
        target_label: sanitizeLabelName(l),
        regex: '(.+)',
        replacement: '${1}',
      })),
      spec.jobLabel
        ? {
            source_labels: [
              `__meta_kubernetes_pod_label_${sanitizeLabelName(spec.jobLabel)}`,
            ],
            target_label: 'job',
            regex: '(.+)',
            replacement: '${1}',
          }
        : { target_label: 'job', replacement: `${namespace}/${name}` },
      ...(ep.port ? [{ target_label: 'endpoint', replacement: ep.port }] : []),
      ...(ep.relabelings ?? []).map(relabeling),
      {
        source_labels: ['__address__'],
        target_label: '__tmp_hash',
        modulus: 1,
        action: 'hashmod',
      },
      { source_labels: ['__tmp_hash'], regex: '0', action: 'keep' },
    ],
    metric_relabel_configs: (ep.metricRelabelings ?? []).map(relabeling),
  }));
}

/**
 * The `__meta_kubernetes_*` labels Kubernetes service discovery (role pod) gives one
 * container port of a pod: labels, label presence, namespace, name, phase, container.
 */
export function podDiscoveryLabels(pod: {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  container: string;
  portName: string;
}) {
  const out: Record<string, string> = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_container_name: pod.container,
    __meta_kubernetes_pod_container_port_name: pod.portName,
    __meta_kubernetes_pod_container_port_protocol: 'TCP',
  };
  for (const [k, v] of Object.entries(pod.labels)) {
    out[`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`] = v;
    out[`__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  return out;
}
