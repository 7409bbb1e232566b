import type { DeploymentRecord } from '@gantry/plugin-gantry-common';

/** What one Argo CD sync operation looked like at one moment. */
export interface SyncObservation {
  entityRef: string;
  environment: string;
  instance: string;
  application: string;
  revision: string;
  commitTime?: string;
  startedAt: string;
  finishedAt?: string;
  /** Argo CD operationState.phase. */
  phase: 'Running' | 'Terminating' | 'Succeeded' | 'Failed' | 'Error';
  rollback: boolean;
  manualIntervention: boolean;
  initiator?: string;
  source: DeploymentRecord['source'];
  message?: string;
}

export type RolloutOutcome = 'completed' | 'aborted' | 'failed';

/**
 * Deployments, one per Argo CD sync operation: the same operation reported twice (a
 * redelivered webhook, or a webhook and then the history backfill) is one deployment,
 * keyed on instance + application + revision + start time.
 */
export interface DeploymentStore {
  /**
   * Inserts or updates the operation in one atomic step: a late "Running" never undoes a
   * finished phase and known values are never replaced by missing ones.
   */
  upsertSync(o: SyncObservation, now?: Date): Promise<void>;

  /** Argo CD history entries: succeeded syncs; already known operations are left as they are. */
  insertHistory(entries: SyncObservation[], now?: Date): Promise<void>;

  /** The latest operation of an application that started no later than `at`. */
  latestOf(
    instance: string,
    application: string,
    at: string,
  ): Promise<DeploymentRecord | undefined>;

  setRolloutOutcome(
    id: string,
    outcome: RolloutOutcome,
    at: string,
  ): Promise<void>;

  /** Marks the environment's latest deployment started no later than `at` as touched by hand. */
  markManualIntervention(
    entityRef: string,
    environment: string,
    at: string,
  ): Promise<void>;

  /** Newest first; `before` is a startedAt from the previous page. */
  list(q: {
    entityRef: string;
    environment?: string;
    before?: string;
    limit: number;
  }): Promise<DeploymentRecord[]>;

  /** Every deployment of one entity and environment that started in [from, to), oldest first. */
  between(
    entityRef: string,
    environment: string,
    from: string,
    to: string,
  ): Promise<DeploymentRecord[]>;
}
