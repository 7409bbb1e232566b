import type { Knex } from 'knex';

/**
 * One database transaction. Services never query through it: they hold it only to hand
 * the same one to every store write and to the audit write of one change, so the change
 * and its audit record land together or not at all. Only the Knex stores look inside.
 */
export type Transaction = Knex.Transaction;

/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
export type RunInTransaction = <T>(
  fn: (tx: Transaction) => Promise<T>,
) => Promise<T>;

export function knexTransactions(db: Knex): RunInTransaction {
  return fn => db.transaction(fn);
}
