import type { FeatureFlag, FlagSegment } from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

export type StoredFlag = Omit<FeatureFlag, 'summary'>;

/** Evaluations of one flag variant in one usage bucket. */
export interface FlagEvaluationCount {
  bucketStart: string;
  key: string;
  variant: string;
  count: number;
}

/**
 * Flags, segments and the per-set revision that tells caches and streams to reload;
 * KnexFlagStore keeps them in the database. Reads given no transaction read what is
 * committed.
 */
export interface FlagStore {
  transaction: RunInTransaction;

  listFlags(
    entityRef: string,
    environment?: string,
    tx?: Transaction,
  ): Promise<FeatureFlag[]>;
  /** Flags of every entity whose metadata names a linked SLO (candidates for the ramp guard). */
  listFlagsWithLinkedSlo(): Promise<FeatureFlag[]>;
  /** Reads one flag, locking it for the rest of `tx` where the database can. */
  getFlag(
    entityRef: string,
    environment: string,
    key: string,
    tx?: Transaction,
  ): Promise<FeatureFlag | undefined>;
  insertFlag(tx: Transaction, f: StoredFlag): Promise<void>;
  updateFlag(tx: Transaction, f: StoredFlag): Promise<void>;
  deleteFlag(
    tx: Transaction,
    entityRef: string,
    environment: string,
    key: string,
  ): Promise<void>;

  listSegments(
    entityRef: string,
    environment?: string,
    tx?: Transaction,
  ): Promise<FlagSegment[]>;
  getSegment(
    entityRef: string,
    environment: string,
    name: string,
    tx?: Transaction,
  ): Promise<FlagSegment | undefined>;
  putSegment(tx: Transaction, s: FlagSegment, create: boolean): Promise<void>;
  deleteSegment(
    tx: Transaction,
    entityRef: string,
    environment: string,
    name: string,
  ): Promise<void>;

  /**
   * Raises the set's revision inside the change's transaction, which also serialises
   * concurrent writers of one flag set. Returns the new revision.
   */
  bumpRevision(
    tx: Transaction,
    entityRef: string,
    environment: string,
    now: string,
  ): Promise<number>;
  revisionOf(entityRef: string, environment: string): Promise<number>;
  /** Every set's revision, for replicas to notice changes made elsewhere. */
  revisions(): Promise<
    Array<{ entityRef: string; environment: string; revision: number }>
  >;

  /** Adds evaluation counts to their buckets. */
  addEvaluationCounts(
    rows: Array<{
      entityRef: string;
      environment: string;
      key: string;
      variant: string;
      bucketStart: string;
      count: number;
    }>,
  ): Promise<void>;
  evaluationCounts(
    entityRef: string,
    environment: string,
    from: string,
  ): Promise<FlagEvaluationCount[]>;
  markEvaluated(
    entries: Array<{ entityRef: string; environment: string; key: string }>,
    at: string,
  ): Promise<void>;
}
