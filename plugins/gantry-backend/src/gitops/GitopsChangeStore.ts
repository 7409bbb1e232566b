import type { GitopsChange } from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

export type GitopsChangeUpdate = Partial<
  Pick<
    GitopsChange,
    | 'status'
    | 'mode'
    | 'repoUrl'
    | 'path'
    | 'tag'
    | 'digest'
    | 'branch'
    | 'commitSha'
    | 'url'
    | 'error'
    | 'attempts'
    | 'updatedAt'
  >
>;

/** The Git change of each approved promotion, one row per promotion request. */
export interface GitopsChangeStore {
  transaction: RunInTransaction;

  /** False when the request already has a change (another replica got there first). */
  insert(tx: Transaction, change: GitopsChange): Promise<boolean>;

  /** Inside `tx` the row stays locked for the transaction (PostgreSQL). */
  getByRequest(
    requestId: string,
    tx?: Transaction,
  ): Promise<GitopsChange | undefined>;

  update(
    tx: Transaction,
    id: string,
    fields: GitopsChangeUpdate,
  ): Promise<void>;

  /** Newest first. */
  listForEntity(entityRef: string, limit?: number): Promise<GitopsChange[]>;
}
