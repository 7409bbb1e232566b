import type { Config } from '@backstage/config';
import type {
  DeploymentRecord,
  RollbackMeasurement,
  RollbackObjectives,
  RollbackObjectivesView,
} from '@gantry/plugin-gantry-common';
import { failures } from './dora';

const ms = (iso: string) => Date.parse(iso);
const seconds = (fromIso: string, toIso: string) =>
  (ms(toIso) - ms(fromIso)) / 1000;

/** `gantry.dora.objectives`; a bad value stops startup with a message naming it. */
export function readRollbackObjectives(config: Config): RollbackObjectives {
  const at = 'gantry.dora.objectives';
  const c = config.getOptionalConfig(at);
  const minutes = (key: string, fallback: number) => {
    const v = c?.getOptionalNumber(key) ?? fallback;
    if (!(v > 0 && v <= 7 * 24 * 60))
      throw new Error(
        `${at}.${key} is ${v}; give minutes > 0 (at most a week), e.g. 5`,
      );
    return v * 60;
  };
  const restore = minutes('timeToRestoreMinutes', 5);
  const recover = minutes('timeToRecoverMinutes', 15);
  if (recover < restore)
    throw new Error(
      `${at}.timeToRecoverMinutes (${
        recover / 60
      }) is shorter than timeToRestoreMinutes (${
        restore / 60
      }); recovery counts from the bad change going live, so it includes the restore`,
    );
  return { timeToRestoreSeconds: restore, timeToRecoverSeconds: recover };
}

/**
 * Each failed change of an environment's history (start order) measured against the
 * objectives. A failed deployment starts serving when it starts and shows as failed when
 * it finishes; a succeeded one that was rolled back served from its finish and showed
 * when the rollback began. An aborted Argo Rollouts canary is restored as it aborts (the
 * stable ReplicaSet takes the traffic back); anything else is restored when a later
 * deployment finished successfully. Unrestored failures miss a target once it passed.
 */
export function measureRollbacks(
  all: DeploymentRecord[],
  objectives: RollbackObjectives,
  now: Date,
): RollbackMeasurement[] {
  const judge = (from: string, to: string | undefined, target: number) => {
    const took = to ? seconds(from, to) : null;
    if (took !== null) return { took, met: took <= target };
    return {
      took,
      met: seconds(from, now.toISOString()) > target ? false : null,
    };
  };
  return failures(all).map(f => {
    const d = f.deployment;
    const rolledBack = d.outcome === 'succeeded';
    const failedAt = rolledBack ? d.finishedAt ?? d.startedAt : d.startedAt;
    const detectedAt = rolledBack
      ? f.next!.startedAt
      : d.finishedAt ?? d.startedAt;
    const aborted = d.outcome === 'aborted' && d.finishedAt !== undefined;
    const restoredAt = aborted ? d.finishedAt : f.restoredAt;
    const restore = judge(
      detectedAt,
      restoredAt,
      objectives.timeToRestoreSeconds,
    );
    const recover = judge(
      failedAt,
      restoredAt,
      objectives.timeToRecoverSeconds,
    );
    return {
      deploymentId: d.id,
      revision: d.revision,
      cause: rolledBack ? 'rolled-back' : (d.outcome as 'failed' | 'aborted'),
      failedAt,
      detectedAt,
      ...(restoredAt ? { restoredAt } : {}),
      ...(!aborted && f.restoredBy
        ? {
            restoredBy: {
              deploymentId: f.restoredBy.id,
              revision: f.restoredBy.revision,
              rollback: f.restoredBy.rollback,
            },
          }
        : {}),
      timeToRestoreSeconds: restore.took,
      timeToRecoverSeconds: recover.took,
      restoreMet: restore.met,
      recoverMet: recover.met,
    };
  });
}

const attainment = (met: Array<boolean | null>) => {
  const judged = met.filter((m): m is boolean => m !== null);
  return judged.length ? judged.filter(Boolean).length / judged.length : null;
};

/** The objectives over the failed changes whose deployment started in [from, to). */
export function computeRollbackObjectives(
  all: DeploymentRecord[],
  from: string,
  to: string,
  objectives: RollbackObjectives,
  now: Date,
): RollbackObjectivesView {
  const started = new Map(all.map(d => [d.id, d.startedAt]));
  const measurements = measureRollbacks(all, objectives, now).filter(m => {
    const at = started.get(m.deploymentId)!;
    return at >= from && at < to;
  });
  return {
    objectives,
    measurements,
    restoreAttainment: attainment(measurements.map(m => m.restoreMet)),
    recoverAttainment: attainment(measurements.map(m => m.recoverMet)),
    misses: measurements
      .filter(m => m.restoreMet === false || m.recoverMet === false)
      .reverse(),
  };
}
