import type {
  DeploymentRecord,
  DoraFigures,
  DoraPeriod,
} from '@gantry/plugin-gantry-common';

const DAY = 86_400_000;
const PERIOD_DAYS: Record<DoraPeriod, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
  '365d': 365,
};
/** Trend buckets per period: daily for a week, then 3-day, 7-day and ~30-day spans. */
const TREND_BUCKETS: Record<DoraPeriod, number> = {
  '7d': 7,
  '30d': 10,
  '90d': 13,
  '365d': 12,
};

const ms = (iso: string) => Date.parse(iso);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const seconds = (fromIso: string, toIso: string) =>
  (ms(toIso) - ms(fromIso)) / 1000;

/**
 * A deployment is a failed change when it failed or was aborted, or when the next
 * deployment of the environment rolled it back. Its failure started when it finished
 * (the bad version went live) and is restored by the next deployment that succeeded.
 */
export function failures(all: DeploymentRecord[]) {
  const out: Array<{
    deployment: DeploymentRecord;
    /** The deployment after it: for a rolled-back one, the rollback. */
    next?: DeploymentRecord;
    restoredAt?: string;
    restoredBy?: DeploymentRecord;
  }> = [];
  all.forEach((d, i) => {
    const next = all[i + 1];
    const failed =
      d.outcome === 'failed' ||
      d.outcome === 'aborted' ||
      (d.outcome === 'succeeded' && next?.rollback === true);
    if (!failed) return;
    const restore = all
      .slice(i + 1)
      .find(n => n.outcome === 'succeeded' && n.finishedAt);
    out.push({
      deployment: d,
      next,
      restoredAt: restore?.finishedAt,
      restoredBy: restore,
    });
  });
  return out;
}

/**
 * DORA figures for the deployments that started in [from, to). `all` is the
 * environment's history in start order and may reach past the window on both sides:
 * a rollback or restore after `to` still says what happened to a deployment inside it.
 * Medians, as the DORA reports use, so one slow outlier does not move the figure.
 */
export function computeDora(
  all: DeploymentRecord[],
  from: string,
  to: string,
): DoraFigures {
  const inWindow = (d: DeploymentRecord) =>
    d.startedAt >= from && d.startedAt < to;
  const window = all.filter(inWindow);
  const finished = window.filter(d => d.outcome !== 'running');
  const succeeded = window.filter(d => d.outcome === 'succeeded');
  const days = (ms(to) - ms(from)) / DAY;

  const failed = failures(all).filter(f => inWindow(f.deployment));
  const durations = (list: DeploymentRecord[]) =>
    list
      .filter(d => d.finishedAt)
      .map(d => seconds(d.startedAt, d.finishedAt!));

  return {
    deployments: window.length,
    deploymentFrequency: succeeded.length / days,
    leadTimeSeconds: median(
      succeeded
        .filter(d => d.commitTime && d.finishedAt)
        .map(d => seconds(d.commitTime!, d.finishedAt!)),
    ),
    changeFailureRate: finished.length ? failed.length / finished.length : null,
    timeToRestoreSeconds: median(
      failed
        .filter(f => f.restoredAt)
        .map(f =>
          seconds(
            f.deployment.finishedAt ?? f.deployment.startedAt,
            f.restoredAt!,
          ),
        ),
    ),
    deploymentDurationSeconds: median(
      durations(succeeded.filter(d => !d.rollback)),
    ),
    rollbackDurationSeconds: median(
      durations(succeeded.filter(d => d.rollback)),
    ),
    successWithoutInterventionRate: finished.length
      ? succeeded.filter(d => !d.manualIntervention).length / finished.length
      : null,
  };
}

/** The window [from, to) of a period ending now, and the same-length window before it. */
export function periodWindows(period: DoraPeriod, now: Date) {
  const len = PERIOD_DAYS[period] * DAY;
  const to = now.getTime();
  return {
    from: new Date(to - len).toISOString(),
    to: new Date(to).toISOString(),
    previousFrom: new Date(to - 2 * len).toISOString(),
  };
}

export function trendBuckets(period: DoraPeriod, from: string, to: string) {
  const n = TREND_BUCKETS[period];
  const size = (ms(to) - ms(from)) / n;
  return Array.from({ length: n }, (_, i) => ({
    from: new Date(ms(from) + i * size).toISOString(),
    to: new Date(ms(from) + (i + 1) * size).toISOString(),
  }));
}
