import type {
  FlagChangeRequest,
  FlagChangeStatus,
} from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

/** What a decision or a review sets on a change; `comment: null` clears the comment. */
export type FlagChangePatch = Partial<{
  status: FlagChangeStatus;
  reviewStatus: 'pending' | 'done';
  decidedBy: string;
  comment: string | null;
  decidedAt: string;
}>;

/**
 * The approval record of flag changes (four eyes) and kill-switch reviews;
 * KnexFlagChangeStore keeps it in the database.
 */
export interface FlagChangeStore {
  transaction: RunInTransaction;

  insert(tx: Transaction, c: FlagChangeRequest): Promise<void>;
  /** Reads one change, locking it for the rest of `tx` where the database can. */
  get(id: string, tx?: Transaction): Promise<FlagChangeRequest | undefined>;
  update(tx: Transaction, id: string, patch: FlagChangePatch): Promise<void>;
  /** Newest first, at most `limit` (200 when not given). */
  list(filter: {
    entityRef?: string;
    environment?: string;
    target?: string;
    key?: string;
    /** Pending approval or pending review. */
    open?: boolean;
    limit?: number;
  }): Promise<FlagChangeRequest[]>;
}
