#!/usr/bin/env node
// Writes the demo Prometheus and Alertmanager configuration into a folder:
//   node scripts/demo/monitoring-config.mjs <dir> [--exporter 127.0.0.1:7091]
//        [--alertmanager 127.0.0.1:7093] [--gantry http://127.0.0.1:7007]
// (JSON is YAML, so no YAML library is needed.)
//
// There is no Kubernetes here, so each demo pod is a static target carrying the
// __meta_kubernetes_* labels Kubernetes service discovery would give it, and the
// relabeling is what the Prometheus Operator generates for the PodMonitor the
// scaffolded overlays ship: the same series labels as on a real cluster.
import fs from 'node:fs';
import path from 'node:path';
import { PODS } from './demo-services.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) =>
  args.includes(name) ? args[args.indexOf(name) + 1] : fallback;
const dir = args[0];
if (!dir || dir.startsWith('--')) {
  console.error(
    'usage: monitoring-config.mjs <dir> [--exporter host:port] [--alertmanager host:port] [--gantry url]',
  );
  process.exit(2);
}
const exporter = opt('--exporter', '127.0.0.1:7091');
const alertmanager = opt('--alertmanager', '127.0.0.1:7093');
const gantry = opt('--gantry', 'http://127.0.0.1:7007');
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';

/** What Kubernetes pod discovery reports for a pod of the demo's Rollouts. */
const target = p => ({
  targets: [exporter],
  labels: {
    __metrics_path__: `/metrics/${p.namespace}/${p.pod}`,
    __meta_kubernetes_namespace: p.namespace,
    __meta_kubernetes_pod_name: p.pod,
    __meta_kubernetes_pod_container_name: p.service,
    __meta_kubernetes_pod_container_port_name: 'http',
    __meta_kubernetes_pod_label_app_kubernetes_io_name: p.service,
    __meta_kubernetes_pod_label_rollouts_pod_template_hash: p.hash,
  },
});

const copy = (from, to) => ({
  source_labels: [from],
  target_label: to,
  action: 'replace',
});

const prometheus = {
  global: { scrape_interval: '5s', evaluation_interval: '5s' },
  rule_files: [path.join(dir, 'rules', '*.yml')],
  alerting: {
    alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }],
  },
  scrape_configs: [
    {
      // The Operator names a PodMonitor's job <namespace>/<name>; the demo's pods come
      // from several namespaces, so the job is set per target below.
      job_name: 'demo-pods',
      static_configs: PODS.map(target),
      relabel_configs: [
        copy('__meta_kubernetes_namespace', 'namespace'),
        copy('__meta_kubernetes_pod_container_name', 'container'),
        copy('__meta_kubernetes_pod_name', 'pod'),
        copy('__meta_kubernetes_pod_container_port_name', 'endpoint'),
        // podTargetLabels: [rollouts-pod-template-hash] (name sanitised by discovery)
        copy(
          '__meta_kubernetes_pod_label_rollouts_pod_template_hash',
          'rollouts_pod_template_hash',
        ),
        // the overlays' relabeling: service = the app's name, not the Service object's
        copy('__meta_kubernetes_pod_label_app_kubernetes_io_name', 'service'),
        {
          source_labels: [
            '__meta_kubernetes_namespace',
            '__meta_kubernetes_pod_label_app_kubernetes_io_name',
          ],
          separator: '/',
          target_label: 'job',
          action: 'replace',
        },
      ],
    },
    // Capacity: the kubelet's cAdvisor endpoint and kube-state-metrics, both with their
    // own namespace/pod/container labels kept (honor_labels), as kube-prometheus scrapes them.
    {
      job_name: 'kubelet',
      metrics_path: '/metrics/cadvisor',
      honor_labels: true,
      static_configs: [{ targets: [exporter] }],
    },
    {
      job_name: 'kube-state-metrics',
      metrics_path: '/metrics/kube-state-metrics',
      honor_labels: true,
      static_configs: [{ targets: [exporter] }],
    },
  ],
};

const alertmanagerConfig = {
  route: {
    receiver: 'gantry',
    group_by: ['alertname', 'gantry_entity'],
    group_wait: '5s',
    group_interval: '30s',
    repeat_interval: '1h',
  },
  receivers: [
    {
      name: 'gantry',
      webhook_configs: [
        {
          url: `${gantry}/api/gantry/alerts/alertmanager`,
          send_resolved: true,
          // Gantry's webhook takes a service token (backend.auth.externalAccess).
          http_config: {
            authorization: { type: 'Bearer', credentials: token },
          },
        },
      ],
    },
  ],
};

fs.mkdirSync(path.join(dir, 'rules'), { recursive: true });
fs.writeFileSync(
  path.join(dir, 'prometheus.yml'),
  `${JSON.stringify(prometheus, null, 2)}\n`,
);
fs.writeFileSync(
  path.join(dir, 'alertmanager.yml'),
  `${JSON.stringify(alertmanagerConfig, null, 2)}\n`,
  { mode: 0o600 },
);
console.log(`demo monitoring config written to ${dir}`);
