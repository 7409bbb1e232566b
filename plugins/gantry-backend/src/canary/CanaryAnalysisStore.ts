import type { CanaryAnalysis } from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

/** What makes an analysis the same one: the entity, the rollout, its canary revision and step. */
export interface AnalysisKey {
  entityRef: string;
  rolloutNamespace: string;
  rolloutName: string;
  canaryHash: string;
  step: number;
}

/** Canary analyses as the canary analysis service needs them. */
export interface CanaryAnalysisStore {
  transaction: RunInTransaction;

  /** The analysis stored under `key`, read inside `tx` when given. */
  findByKey(
    key: AnalysisKey,
    tx?: Transaction,
  ): Promise<CanaryAnalysis | undefined>;

  insert(tx: Transaction, a: CanaryAnalysis): Promise<void>;

  /** Replaces the analysis stored under `id` (an earlier Error) with a new one. */
  replace(tx: Transaction, id: string, a: CanaryAnalysis): Promise<void>;

  /** Newest first. */
  list(entityRef: string, limit: number): Promise<CanaryAnalysis[]>;

  /** Every step's analysis of one canary revision of a rollout, newest first. */
  listForCanary(canary: {
    entityRef: string;
    rolloutNamespace: string;
    rolloutName: string;
    canaryHash: string;
  }): Promise<CanaryAnalysis[]>;

  get(entityRef: string, id: string): Promise<CanaryAnalysis | undefined>;
}
