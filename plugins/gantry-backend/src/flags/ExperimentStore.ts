import type { FlagExperiment } from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

export interface UnitKey {
  flagKey: string;
  targetingKey: string;
  at: string;
}

/** Distinct exposed and converted targeting keys per variant, and conversions never exposed. */
export interface ExperimentCounts {
  variants: Record<string, { exposures: number; conversions: number }>;
  unexposedConversions: number;
}

/**
 * Experiments and their units; KnexExperimentStore keeps them in the database. A unit
 * is one targeting key in one experiment: the variant it was first exposed to and when
 * it first converted, so counts are of distinct users and replaying events cannot
 * inflate them.
 */
export interface ExperimentStore {
  transaction: RunInTransaction;

  get(
    entityRef: string,
    environment: string,
    flagKey: string,
    tx?: Transaction,
  ): Promise<FlagExperiment | undefined>;
  list(
    entityRef: string,
    environment: string,
    tx?: Transaction,
  ): Promise<FlagExperiment[]>;
  /** Inserts version 1, updates later versions. */
  put(tx: Transaction, e: FlagExperiment): Promise<void>;

  /** The subset of `ids` already ingested for this flag set. */
  knownEventIds(
    tx: Transaction,
    entityRef: string,
    environment: string,
    ids: string[],
  ): Promise<Set<string>>;
  addEventIds(
    tx: Transaction,
    entityRef: string,
    environment: string,
    ids: string[],
    at: string,
  ): Promise<void>;
  /** Forgets ids received before `before`; returns how many. */
  pruneEventIds(before: string): Promise<number>;

  /** First exposure wins: a unit keeps the variant it was first seen with. */
  addExposures(
    tx: Transaction,
    entityRef: string,
    environment: string,
    rows: Array<UnitKey & { variant: string }>,
  ): Promise<void>;
  /** A conversion may arrive before its exposure; the unit then waits for its variant. */
  addConversions(
    tx: Transaction,
    entityRef: string,
    environment: string,
    rows: UnitKey[],
  ): Promise<void>;
  counts(
    entityRef: string,
    environment: string,
    flagKey: string,
  ): Promise<ExperimentCounts>;
}
