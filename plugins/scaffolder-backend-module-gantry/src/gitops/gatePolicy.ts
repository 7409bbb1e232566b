import type { Manifest, Violation } from './policies';

const GATE_PATH = /\/releases\/[^/]+\/gates\/[^/]+$/;

/** Whether a metric asks Gantry's release gate and fails the run on anything but pass. */
export function isGateMetric(metric: any): boolean {
  const web = metric?.provider?.web;
  return (
    typeof web?.url === 'string' &&
    web.url.includes('/api/gantry/entities/') &&
    GATE_PATH.test(web.url) &&
    (web.method ?? 'GET') === 'GET' &&
    (metric.failureLimit ?? 0) === 0 &&
    typeof metric.successCondition === 'string' &&
    metric.successCondition.includes('"pass"')
  );
}

/** Every AnalysisTemplate a Rollout uses, with where it is referenced. */
function analysisRefs(rollout: any): { field: string; name: string }[] {
  const refs: { field: string; name: string }[] = [];
  const add = (field: string, analysis: any) =>
    (analysis?.templates ?? []).forEach((t: any, i: number) => {
      if (t?.templateName && !t.clusterScope) {
        refs.push({ field: `${field}.templates[${i}]`, name: t.templateName });
      }
    });
  const strategy = rollout.spec?.strategy ?? {};
  (strategy.canary?.steps ?? []).forEach((s: any, i: number) =>
    add(`spec.strategy.canary.steps[${i}].analysis`, s?.analysis),
  );
  add(
    'spec.strategy.blueGreen.prePromotionAnalysis',
    strategy.blueGreen?.prePromotionAnalysis,
  );
  return refs;
}

/**
 * Production Rollouts must ask Gantry's gate before traffic moves: a canary has at least
 * one analysis step and a blue-green a prePromotionAnalysis, and every AnalysisTemplate
 * they use has the gate as its first metric, so a sync made outside Gantry cannot
 * advance a release that fails its gate.
 */
export function gatePolicies(all: Manifest[], out: Violation[]) {
  const prod = all.filter(m => m.environment === 'production');
  const templates = new Map(
    prod
      .filter(m => m.obj.kind === 'AnalysisTemplate')
      .map(m => [m.obj.metadata?.name, m]),
  );
  for (const m of prod) {
    if (m.obj.kind !== 'Rollout') continue;
    const object = `Rollout/${m.obj.metadata?.name ?? '(unnamed)'}`;
    const refs = analysisRefs(m.obj);
    if (refs.length === 0) {
      const blueGreen = Boolean(m.obj.spec?.strategy?.blueGreen);
      out.push({
        file: m.file,
        object,
        field: blueGreen
          ? 'spec.strategy.blueGreen.prePromotionAnalysis'
          : 'spec.strategy.canary.steps',
        message: "runs no analysis, so nothing asks Gantry's release gate",
        fix: blueGreen
          ? 'Add a prePromotionAnalysis whose AnalysisTemplate starts with the gantry-release-gate metric.'
          : 'Add an analysis step whose AnalysisTemplate starts with the gantry-release-gate metric.',
      });
    }
    const seen = new Set<string>();
    for (const ref of refs) {
      if (seen.has(ref.name)) continue;
      seen.add(ref.name);
      const t = templates.get(ref.name);
      const first = t?.obj.spec?.metrics?.[0];
      if (t && isGateMetric(first)) continue;
      out.push({
        file: t?.file ?? m.file,
        object: t ? `AnalysisTemplate/${ref.name}` : object,
        field: t ? 'spec.metrics[0]' : ref.field,
        message: t
          ? `is not Gantry's release gate (${
              first?.name ?? 'no metrics'
            }), so a release that fails its gate can advance`
          : `references AnalysisTemplate ${ref.name}, which is not in production`,
        fix: t
          ? 'Make the first metric the web metric GET <gantry>/api/gantry/entities/<ns>/<kind>/<name>/releases/{{args.release}}/gates/<environment> with jsonPath {$.verdict}, successCondition result == "pass" and failureLimit 0.'
          : `Add AnalysisTemplate ${ref.name} to the production overlay.`,
      });
    }
  }
}
