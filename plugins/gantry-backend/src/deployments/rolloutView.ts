import type {
  AnalysisRunView,
  RolloutStepView,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import { releaseOf } from '../providers/rolloutTypes';

function steps(r: any): RolloutStepView[] {
  return (r.spec?.strategy?.canary?.steps ?? []).map(
    (s: any, index: number) => {
      if (typeof s.setWeight === 'number')
        return { index, kind: 'setWeight', weight: s.setWeight };
      if (s.pause !== undefined)
        return { index, kind: 'pause', duration: s.pause?.duration };
      if (s.analysis) return { index, kind: 'analysis' };
      return { index, kind: 'other' };
    },
  );
}

/** Canary share: the traffic weight Argo Rollouts reports, else the last setWeight reached. */
function canaryWeight(
  r: any,
  st: RolloutStepView[],
  fullyPromoted: boolean,
): number | undefined {
  if (!r.spec?.strategy?.canary) return undefined;
  const reported = r.status?.canary?.weights?.canary?.weight;
  if (typeof reported === 'number') return reported;
  if (fullyPromoted) return 100;
  const current = r.status?.currentStepIndex ?? 0;
  const reached = st.filter(s => s.kind === 'setWeight' && s.index < current);
  return reached.length ? reached[reached.length - 1].weight : 0;
}

function analysisRunView(run: any): AnalysisRunView {
  const specMetrics = new Map<string, any>(
    (run.spec?.metrics ?? []).map((m: any) => [m.name, m]),
  );
  const labels = run.metadata?.labels ?? {};
  return {
    name: run.metadata?.name,
    phase: run.status?.phase ?? 'Pending',
    message: run.status?.message,
    rolloutType: labels['rollout-type'],
    stepIndex:
      labels['step-index'] !== undefined
        ? Number(labels['step-index'])
        : undefined,
    startedAt: run.status?.startedAt ?? run.metadata?.creationTimestamp,
    metrics: (run.status?.metricResults ?? []).map((m: any) => ({
      name: m.name,
      phase: m.phase,
      successCondition: specMetrics.get(m.name)?.successCondition,
      failureCondition: specMetrics.get(m.name)?.failureCondition,
      count: m.count ?? 0,
      successful: m.successful ?? 0,
      failed: m.failed ?? 0,
      inconclusive: m.inconclusive ?? 0,
      error: m.error ?? 0,
      measurements: (m.measurements ?? []).map((x: any) => ({
        phase: x.phase,
        value: x.value,
        startedAt: x.startedAt,
        finishedAt: x.finishedAt,
        message: x.message,
      })),
    })),
  };
}

function strategyOf(r: any): RolloutView['strategy'] {
  if (r.spec?.strategy?.canary) return 'canary';
  if (r.spec?.strategy?.blueGreen) return 'blueGreen';
  return 'unknown';
}

/** A Rollout and the AnalysisRuns it owns (by owner UID), as the Delivery tab shows them. */
export function rolloutView(cluster: string, r: any, runs: any[]): RolloutView {
  const st = steps(r);
  const fullyPromoted =
    Boolean(r.status?.currentPodHash) &&
    r.status?.currentPodHash === r.status?.stableRS;
  const current = r.status?.currentStepIndex;
  const pauseConditions = r.status?.pauseConditions ?? [];
  const owned = runs
    .filter(run =>
      (run.metadata?.ownerReferences ?? []).some(
        (o: any) => o.uid === r.metadata?.uid,
      ),
    )
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp).localeCompare(
        String(a.metadata?.creationTimestamp),
      ),
    );
  return {
    cluster,
    namespace: r.metadata?.namespace,
    name: r.metadata?.name,
    phase: r.status?.phase ?? 'Unknown',
    message: r.status?.message,
    strategy: strategyOf(r),
    steps: st,
    currentStepIndex: current,
    canaryWeight: canaryWeight(r, st, fullyPromoted),
    paused: Boolean(r.spec?.paused) || pauseConditions.length > 0,
    pauseConditions,
    pauseDuration:
      current !== undefined && st[current]?.kind === 'pause'
        ? st[current].duration
        : undefined,
    aborted: Boolean(r.status?.abort),
    fullyPromoted,
    activeSelector: r.status?.blueGreen?.activeSelector,
    previewSelector: r.status?.blueGreen?.previewSelector,
    release: releaseOf(r),
    analysisRuns: owned.map(analysisRunView),
  };
}
