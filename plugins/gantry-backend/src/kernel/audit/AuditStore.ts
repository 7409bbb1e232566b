import type { RunInTransaction, Transaction } from '../transaction';
import type { ChainHead, StoredAuditRecord } from './types';

/** The audit chain as AuditService needs it; KnexAuditStore keeps it in the database. */
export interface AuditStore {
  transaction: RunInTransaction;

  /** Locks the chain head for the rest of the transaction. */
  lockHead(tx: Transaction): Promise<ChainHead>;

  /** Appends the record and moves the chain head to it. */
  insert(tx: Transaction, rec: StoredAuditRecord): Promise<void>;

  head(): Promise<ChainHead>;

  /** Records in chain order, a page at a time, starting after `afterSeq`. */
  page(afterSeq: number, limit: number): Promise<StoredAuditRecord[]>;

  /** Newest first. */
  query(filter: {
    entityRef?: string;
    from?: string;
    to?: string;
    limit: number;
    beforeSeq?: number;
  }): Promise<StoredAuditRecord[]>;
}
