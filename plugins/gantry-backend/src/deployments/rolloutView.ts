import type {
  AnalysisRunView,
  RolloutStepView,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import { releaseOf } from '../providers/rolloutTypes';
import { actualWeight, rolloutPhase, setWeight } from './rolloutStatus';

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

function analysisRunView(run: any, experiment?: string): AnalysisRunView {
  const specMetrics = new Map<string, any>(
    (run.spec?.metrics ?? []).map((m: any) => [m.name, m]),
  );
  const labels = run.metadata?.labels ?? {};
  return {
    name: run.metadata?.name,
    phase: run.status?.phase ?? 'Pending',
    message: run.status?.message,
    rolloutType: labels['rollout-type'],
    ...(experiment ? { experiment } : {}),
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

const ownedBy = (o: any, uid: string | undefined) =>
  Boolean(uid) &&
  (o.metadata?.ownerReferences ?? []).some((ref: any) => ref.uid === uid);

/**
 * A Rollout and the AnalysisRuns it owns (by owner UID) or that one of its Experiments
 * owns, as the Delivery tab shows them and `kubectl argo rollouts get rollout` derives them.
 */
export function rolloutView(
  cluster: string,
  r: any,
  runs: any[],
  experiments: any[] = [],
): RolloutView {
  const st = steps(r);
  const fullyPromoted =
    Boolean(r.status?.currentPodHash) &&
    r.status?.currentPodHash === r.status?.stableRS;
  const current = r.status?.currentStepIndex;
  const pauseConditions = r.status?.pauseConditions ?? [];
  const uid = r.metadata?.uid;
  const ownExperiments = new Map<string, string>(
    experiments
      .filter(e => ownedBy(e, uid))
      .map(e => [e.metadata?.uid, e.metadata?.name]),
  );
  const owned = runs
    .map(run => ({
      run,
      experiment: (run.metadata?.ownerReferences ?? [])
        .map((ref: any) => ownExperiments.get(ref.uid))
        .find(Boolean) as string | undefined,
    }))
    .filter(({ run, experiment }) => experiment || ownedBy(run, uid))
    .sort((a, b) =>
      String(b.run.metadata?.creationTimestamp).localeCompare(
        String(a.run.metadata?.creationTimestamp),
      ),
    );
  const { phase, message, waitingForController } = rolloutPhase(r);
  const weight = actualWeight(r);
  return {
    cluster,
    namespace: r.metadata?.namespace,
    name: r.metadata?.name,
    phase,
    message,
    strategy: strategyOf(r),
    steps: st,
    currentStepIndex: current,
    canaryWeight: weight,
    setWeight: setWeight(r),
    actualWeight: weight,
    ...(waitingForController ? { waitingForController } : {}),
    paused: Boolean(r.spec?.paused) || pauseConditions.length > 0,
    pauseConditions,
    pauseDuration:
      current !== undefined && st[current]?.kind === 'pause'
        ? st[current].duration
        : undefined,
    aborted: Boolean(r.status?.abort),
    fullyPromoted,
    stableRS: r.status?.stableRS || undefined,
    revision: r.metadata?.annotations?.['rollout.argoproj.io/revision'],
    activeSelector: r.status?.blueGreen?.activeSelector,
    previewSelector: r.status?.blueGreen?.previewSelector,
    release: releaseOf(r),
    currentPodHash: r.status?.currentPodHash,
    analysisRuns: owned.map(({ run, experiment }) =>
      analysisRunView(run, experiment),
    ),
  };
}
