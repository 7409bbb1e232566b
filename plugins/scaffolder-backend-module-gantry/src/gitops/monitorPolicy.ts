import path from 'node:path';
import type { Manifest, Violation } from './policies';
import { sanitizeLabelName } from './prometheusOperator';

/**
 * Labels the analysis queries select on that only the scrape config can give a series:
 * the app exposes its counters, the Prometheus Operator's target relabeling adds these.
 */
const CONTRACT_LABELS = ['service', 'rollouts_pod_template_hash'];

/** Label names a PromQL query matches on, e.g. `service` in `{service="x"}`. */
export function selectedLabels(query: string): Set<string> {
  const out = new Set<string>();
  // Argo Rollouts' {{args.x}} placeholders sit inside the matchers' values
  const promql = query.replace(/\{\{[^{}]*\}\}/g, 'arg');
  for (const sel of promql.match(/\{[^{}]*\}/g) ?? []) {
    for (const m of sel.matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"/g,
    ))
      out.add(m[1]);
  }
  return out;
}

/**
 * Target labels a PodMonitor or ServiceMonitor puts on every series, beyond the operator's
 * own (namespace, pod, container, endpoint, job; a ServiceMonitor also service = the
 * Service's name, which is not the app's name once stable and canary Services exist).
 */
function monitorLabels(obj: any): Set<string> {
  const out = new Set<string>();
  for (const l of obj.spec?.podTargetLabels ?? [])
    out.add(sanitizeLabelName(l));
  const endpoints =
    obj.kind === 'PodMonitor'
      ? obj.spec?.podMetricsEndpoints
      : obj.spec?.endpoints;
  for (const ep of endpoints ?? []) {
    for (const r of ep.relabelings ?? []) {
      const action = String(r.action ?? 'replace').toLowerCase();
      if (action === 'replace' && r.targetLabel) out.add(r.targetLabel);
      if (action === 'labelmap') return new Set(CONTRACT_LABELS);
    }
  }
  return out;
}

/**
 * The AnalysisTemplate's Prometheus queries must select on labels the rendered monitors
 * really produce: otherwise every query comes back empty on a cluster.
 */
export function monitorPolicies(all: Manifest[], out: Violation[]) {
  // one kustomize build, or (files as they stand) one directory
  const builds = new Map<string, Manifest[]>();
  for (const m of all) {
    const key = m.file.endsWith('(kustomize build)')
      ? m.file
      : path.posix.dirname(m.file);
    builds.set(key, [...(builds.get(key) ?? []), m]);
  }
  for (const manifests of builds.values()) {
    const monitors = manifests.filter(
      m =>
        (m.obj.kind === 'PodMonitor' || m.obj.kind === 'ServiceMonitor') &&
        String(m.obj.apiVersion).startsWith('monitoring.coreos.com/'),
    );
    const produced = new Set(monitors.flatMap(m => [...monitorLabels(m.obj)]));
    for (const t of manifests.filter(m => m.obj.kind === 'AnalysisTemplate')) {
      (t.obj.spec?.metrics ?? []).forEach((metric: any, i: number) => {
        const query = metric?.provider?.prometheus?.query;
        if (typeof query !== 'string') return;
        const missing = CONTRACT_LABELS.filter(
          l => selectedLabels(query).has(l) && !produced.has(l),
        );
        if (missing.length === 0) return;
        out.push({
          file: t.file,
          object: `AnalysisTemplate/${t.obj.metadata?.name ?? '(unnamed)'}`,
          field: `spec.metrics[${i}].provider.prometheus.query`,
          message: `selects on ${missing.join(' and ')}, which ${
            monitors.length
              ? `no PodMonitor or ServiceMonitor here puts on the series (${monitors
                  .map(m => `${m.obj.kind}/${m.obj.metadata?.name}`)
                  .join(', ')})`
              : 'no PodMonitor or ServiceMonitor is here to put on the series'
          }: the query would match nothing`,
          fix: 'Scrape the pods with a PodMonitor with podTargetLabels [rollouts-pod-template-hash] and a relabeling {action: replace, targetLabel: service, replacement: <app name>}, or change the query.',
        });
      });
    }
  }
}
