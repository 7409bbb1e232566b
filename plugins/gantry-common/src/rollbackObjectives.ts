/**
 * Rollback time objectives over the deployment history: how long each failed change took
 * to be restored (failure detected -> a good version healthy again) and recovered from
 * (the bad change live -> a good version healthy again), against SLO-style targets.
 */
export interface RollbackObjectives {
  /** Target from detection to restore, in seconds (default 300). */
  timeToRestoreSeconds: number;
  /** Target from the bad change going live to recovery, in seconds (default 900). */
  timeToRecoverSeconds: number;
}

/** One failed change (failed, aborted or rolled-back deployment) and how it was restored. */
export interface RollbackMeasurement {
  /** The deployment that failed or was rolled back. */
  deploymentId: string;
  revision: string;
  /** `rolled-back`: it succeeded, then the next deployment rolled it back. */
  cause: 'failed' | 'aborted' | 'rolled-back';
  /** When the bad change started to serve. */
  failedAt: string;
  /** When the failure showed: the deployment failed, or the rollback began. */
  detectedAt: string;
  /** When a later deployment finished successfully; absent while still unrestored. */
  restoredAt?: string;
  /** The deployment that restored service (often a rollback). */
  restoredBy?: { deploymentId: string; revision: string; rollback: boolean };
  /** Null while unrestored. */
  timeToRestoreSeconds: number | null;
  timeToRecoverSeconds: number | null;
  /** Whether each target was met; an unrestored failure past a target has missed it. */
  restoreMet: boolean | null;
  recoverMet: boolean | null;
}

/** The objectives over one window: attainment is the share of measured failures within target. */
export interface RollbackObjectivesView {
  objectives: RollbackObjectives;
  /** Oldest first; failed changes that started in the window. */
  measurements: RollbackMeasurement[];
  /** 0-1; null when no failed change in the window could be judged yet. */
  restoreAttainment: number | null;
  recoverAttainment: number | null;
  /** The measurements that missed either target, newest first. */
  misses: RollbackMeasurement[];
}
