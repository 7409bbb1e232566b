import type {
  ApprovalDecision,
  PromotionRequest,
} from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

/** Promotion requests and their decisions as the approvals (and the report) need them. */
export interface PromotionStore {
  transaction: RunInTransaction;

  insert(tx: Transaction, p: PromotionRequest): Promise<void>;

  /** Reads one request; inside `tx` it stays locked for the transaction (PostgreSQL). */
  get(id: string, tx?: Transaction): Promise<PromotionRequest | undefined>;

  addDecision(tx: Transaction, id: string, d: ApprovalDecision): Promise<void>;

  update(
    tx: Transaction,
    id: string,
    fields: Partial<{
      status: string;
      decided_at: string;
      review_status: string;
      reviewed_by: string;
      review_comment: string;
    }>,
  ): Promise<void>;

  /** Newest first, at most `limit` (200 when not given). */
  list(filter: {
    entityRef?: string;
    version?: string;
    environment?: string;
    statuses?: string[];
    reviewPending?: boolean;
    limit?: number;
  }): Promise<PromotionRequest[]>;
}
