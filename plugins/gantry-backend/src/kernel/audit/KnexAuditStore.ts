import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../transaction';
import type { AuditStore } from './AuditStore';
import type { ChainHead, StoredAuditRecord } from './types';

type Row = {
  seq: number | string;
  occurred_at: string;
  actor: string;
  action: string;
  entity_ref: string | null;
  record: string;
  prev_hash: string;
  hash: string;
};

const toStored = (r: Row): StoredAuditRecord => ({
  seq: Number(r.seq),
  occurredAt: r.occurred_at,
  actor: r.actor,
  action: r.action,
  entityRef: r.entity_ref,
  record: r.record,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export class KnexAuditStore implements AuditStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  /** Locks the chain head for the rest of the transaction (PostgreSQL; SQLite serialises writers itself). */
  async lockHead(tx: Transaction): Promise<ChainHead> {
    let q = tx('gantry_audit_head').where({ id: 1 }).first('seq', 'hash');
    if (tx.client.config.client === 'pg') q = q.forUpdate();
    const row = await q;
    return { seq: Number(row.seq), hash: row.hash };
  }

  async insert(tx: Transaction, rec: StoredAuditRecord): Promise<void> {
    await tx('gantry_audit_log').insert({
      seq: rec.seq,
      occurred_at: rec.occurredAt,
      actor: rec.actor,
      action: rec.action,
      entity_ref: rec.entityRef,
      record: rec.record,
      prev_hash: rec.prevHash,
      hash: rec.hash,
    });
    await tx('gantry_audit_head')
      .where({ id: 1 })
      .update({ seq: rec.seq, hash: rec.hash });
  }

  async head(): Promise<ChainHead> {
    const row = await this.db('gantry_audit_head')
      .where({ id: 1 })
      .first('seq', 'hash');
    return { seq: Number(row.seq), hash: row.hash };
  }

  /** Records in chain order, a page at a time, starting after `afterSeq`. */
  async page(afterSeq: number, limit: number): Promise<StoredAuditRecord[]> {
    const rows: Row[] = await this.db('gantry_audit_log')
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit);
    return rows.map(toStored);
  }

  async query(filter: {
    entityRef?: string;
    from?: string;
    to?: string;
    limit: number;
    beforeSeq?: number;
  }): Promise<StoredAuditRecord[]> {
    const q = this.db<Row>('gantry_audit_log')
      .orderBy('seq', 'desc')
      .limit(filter.limit);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.from) q.where('occurred_at', '>=', filter.from);
    if (filter.to) q.where('occurred_at', '<', filter.to);
    if (filter.beforeSeq) q.where('seq', '<', filter.beforeSeq);
    return (await q).map(toStored);
  }
}
