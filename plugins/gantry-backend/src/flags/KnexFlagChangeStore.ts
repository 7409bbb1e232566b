import type { Knex } from 'knex';
import type {
  FlagChangeRequest,
  FlagChangeStatus,
} from '@gantry/plugin-gantry-common';
import { knexTransactions, type RunInTransaction } from '../kernel/transaction';
import type { FlagChangePatch, FlagChangeStore } from './FlagChangeStore';

type Row = {
  id: string;
  entity_ref: string;
  environment: string;
  target: string;
  target_key: string;
  operation: string;
  base_version: number | null;
  proposed: string | null;
  reason: string;
  requested_by: string;
  status: string;
  review_status: string | null;
  decided_by: string | null;
  comment: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
};

function toChange(r: Row): FlagChangeRequest {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    target: r.target as FlagChangeRequest['target'],
    key: r.target_key,
    operation: r.operation as FlagChangeRequest['operation'],
    baseVersion: r.base_version === null ? null : Number(r.base_version),
    ...(r.proposed ? { proposed: JSON.parse(r.proposed) } : {}),
    reason: r.reason,
    requestedBy: r.requested_by,
    status: r.status as FlagChangeStatus,
    ...(r.review_status
      ? { reviewStatus: r.review_status as 'pending' | 'done' }
      : {}),
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
  };
}

/** Flag changes and kill-switch reviews in gantry_flag_changes. */
export class KnexFlagChangeStore implements FlagChangeStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async insert(tx: Knex.Transaction, c: FlagChangeRequest): Promise<void> {
    await tx('gantry_flag_changes').insert({
      id: c.id,
      entity_ref: c.entityRef,
      environment: c.environment,
      target: c.target,
      target_key: c.key,
      operation: c.operation,
      base_version: c.baseVersion,
      proposed: c.proposed === undefined ? null : JSON.stringify(c.proposed),
      reason: c.reason,
      requested_by: c.requestedBy,
      status: c.status,
      review_status: c.reviewStatus ?? null,
      created_at: c.createdAt,
      expires_at: c.expiresAt,
    });
  }

  async get(
    id: string,
    tx: Knex = this.db,
  ): Promise<FlagChangeRequest | undefined> {
    const q = tx<Row>('gantry_flag_changes').where({ id });
    if (tx.isTransaction && tx.client.config.client !== 'better-sqlite3')
      q.forUpdate();
    const row = await q.first();
    return row ? toChange(row) : undefined;
  }

  async update(
    tx: Knex.Transaction,
    id: string,
    patch: FlagChangePatch,
  ): Promise<void> {
    const columns: Partial<
      Pick<
        Row,
        'status' | 'review_status' | 'decided_by' | 'comment' | 'decided_at'
      >
    > = {};
    if (patch.status !== undefined) columns.status = patch.status;
    if (patch.reviewStatus !== undefined)
      columns.review_status = patch.reviewStatus;
    if (patch.decidedBy !== undefined) columns.decided_by = patch.decidedBy;
    if (patch.comment !== undefined) columns.comment = patch.comment;
    if (patch.decidedAt !== undefined) columns.decided_at = patch.decidedAt;
    await tx('gantry_flag_changes').where({ id }).update(columns);
  }

  async list(filter: {
    entityRef?: string;
    environment?: string;
    target?: string;
    key?: string;
    open?: boolean;
    limit?: number;
  }): Promise<FlagChangeRequest[]> {
    const q = this.db<Row>('gantry_flag_changes');
    if (filter.entityRef) q.where({ entity_ref: filter.entityRef });
    if (filter.environment) q.where({ environment: filter.environment });
    if (filter.target) q.where({ target: filter.target });
    if (filter.key) q.where({ target_key: filter.key });
    if (filter.open)
      q.where(w =>
        w.where({ status: 'pending' }).orWhere({ review_status: 'pending' }),
      );
    const rows = await q
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 200);
    return rows.map(toChange);
  }
}
