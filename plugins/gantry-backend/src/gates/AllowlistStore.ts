import type { RunInTransaction, Transaction } from '../kernel/transaction';

export interface AllowlistEntry {
  entityRef: string;
  vulnerabilityId: string;
  justification: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
}

/** Accepted vulnerabilities per entity, as the gates, the allowlist and the report need them. */
export interface AllowlistStore {
  transaction: RunInTransaction;

  /** The vulnerability ids of the entity whose acceptance has not expired at `now`. */
  activeIds(entityRef: string, now: Date): Promise<Set<string>>;

  /** Soonest expiry first. */
  list(entityRef: string): Promise<AllowlistEntry[]>;

  /** Adds the entry, or replaces the entity's entry for the same vulnerability. */
  upsert(tx: Transaction, e: AllowlistEntry): Promise<void>;

  /** How many entries were removed (0 or 1). */
  remove(
    tx: Transaction,
    entityRef: string,
    vulnerabilityId: string,
  ): Promise<number>;
}
