import type {
  ApprovalDecision,
  PromotionRequest,
  PromotionStatus,
} from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type { PromotionStore } from './PromotionStore';

type Row = {
  id: string;
  entity_ref: string;
  version: string;
  environment: string;
  requested_by: string;
  reason: string;
  status: string;
  required_approvals: number;
  approver_groups: string;
  emergency: boolean | number;
  review_status: string | null;
  reviewed_by: string | null;
  review_comment: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
};

export class KnexPromotionStore implements PromotionStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  private async withDecisions(
    rows: Row[],
    tx: Knex = this.db,
  ): Promise<PromotionRequest[]> {
    if (rows.length === 0) return [];
    const decisions = await tx('gantry_approval_decisions')
      .whereIn(
        'request_id',
        rows.map(r => r.id),
      )
      .orderBy('decided_at', 'asc');
    return rows.map(r => ({
      id: r.id,
      entityRef: r.entity_ref,
      version: r.version,
      environment: r.environment,
      requestedBy: r.requested_by,
      reason: r.reason,
      status: r.status as PromotionStatus,
      requiredApprovals: Number(r.required_approvals),
      approverGroups: JSON.parse(r.approver_groups),
      emergency: Boolean(r.emergency),
      reviewStatus: (r.review_status ??
        undefined) as PromotionRequest['reviewStatus'],
      reviewedBy: r.reviewed_by ?? undefined,
      reviewComment: r.review_comment ?? undefined,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      decidedAt: r.decided_at ?? undefined,
      decisions: decisions
        .filter((d: any) => d.request_id === r.id)
        .map(
          (d: any): ApprovalDecision => ({
            decidedBy: d.decided_by,
            decision: d.decision,
            comment: d.comment ?? undefined,
            decidedAt: d.decided_at,
          }),
        ),
    }));
  }

  async insert(tx: Transaction, p: PromotionRequest): Promise<void> {
    await tx('gantry_promotion_requests').insert({
      id: p.id,
      entity_ref: p.entityRef,
      version: p.version,
      environment: p.environment,
      requested_by: p.requestedBy,
      reason: p.reason,
      status: p.status,
      required_approvals: p.requiredApprovals,
      approver_groups: JSON.stringify(p.approverGroups),
      emergency: p.emergency,
      review_status: p.reviewStatus ?? null,
      created_at: p.createdAt,
      expires_at: p.expiresAt,
    });
  }

  /** Reads one request, locking it for the transaction on PostgreSQL. */
  async get(
    id: string,
    tx: Knex = this.db,
  ): Promise<PromotionRequest | undefined> {
    let q = tx<Row>('gantry_promotion_requests').where({ id }).first();
    if (
      tx.client.config.client === 'pg' &&
      (tx as Knex.Transaction).isTransaction
    )
      q = q.forUpdate();
    const row = await q;
    return row ? (await this.withDecisions([row], tx))[0] : undefined;
  }

  async addDecision(tx: Transaction, id: string, d: ApprovalDecision) {
    await tx('gantry_approval_decisions').insert({
      request_id: id,
      decided_by: d.decidedBy,
      decision: d.decision,
      comment: d.comment ?? null,
      decided_at: d.decidedAt,
    });
  }

  async update(
    tx: Transaction,
    id: string,
    fields: Partial<{
      status: string;
      decided_at: string;
      review_status: string;
      reviewed_by: string;
      review_comment: string;
    }>,
  ) {
    await tx('gantry_promotion_requests').where({ id }).update(fields);
  }

  async list(filter: {
    entityRef?: string;
    version?: string;
    environment?: string;
    statuses?: string[];
    reviewPending?: boolean;
    limit?: number;
  }): Promise<PromotionRequest[]> {
    const q = this.db<Row>('gantry_promotion_requests')
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 200);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.version) q.where('version', filter.version);
    if (filter.environment) q.where('environment', filter.environment);
    if (filter.statuses || filter.reviewPending) {
      q.where(b => {
        if (filter.statuses) b.whereIn('status', filter.statuses);
        if (filter.reviewPending) b.orWhere('review_status', 'pending');
      });
    }
    return this.withDecisions(await q);
  }
}
