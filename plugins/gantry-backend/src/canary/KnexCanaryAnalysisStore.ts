import type { CanaryAnalysis } from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type { AnalysisKey, CanaryAnalysisStore } from './CanaryAnalysisStore';

const TABLE = 'gantry_canary_analyses';

type StoredResult = Pick<CanaryAnalysis, 'thresholds' | 'groups' | 'metrics'>;

function toRow(a: CanaryAnalysis) {
  const result: StoredResult = {
    thresholds: a.thresholds,
    groups: a.groups,
    metrics: a.metrics,
  };
  return {
    id: a.id,
    entity_ref: a.entityRef,
    rollout_namespace: a.rollout.namespace,
    rollout_name: a.rollout.name,
    canary_hash: a.canaryHash,
    baseline_hash: a.baselineHash,
    step: a.step,
    verdict: a.verdict,
    score: a.score,
    reason: a.reason,
    window_start: a.window.start,
    window_end: a.window.end,
    step_seconds: a.window.stepSeconds,
    result: JSON.stringify(result),
    requested_by: a.requestedBy,
    created_at: a.createdAt,
  };
}

function fromRow(r: any): CanaryAnalysis {
  const result = JSON.parse(r.result) as StoredResult;
  return {
    id: r.id,
    entityRef: r.entity_ref,
    rollout: { namespace: r.rollout_namespace, name: r.rollout_name },
    step: Number(r.step),
    baselineHash: r.baseline_hash,
    canaryHash: r.canary_hash,
    window: {
      start: r.window_start,
      end: r.window_end,
      stepSeconds: Number(r.step_seconds),
    },
    verdict: r.verdict,
    score: Number(r.score),
    reason: r.reason,
    ...result,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
  };
}

export class KnexCanaryAnalysisStore implements CanaryAnalysisStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async findByKey(
    key: AnalysisKey,
    tx?: Transaction,
  ): Promise<CanaryAnalysis | undefined> {
    const row = await (tx ?? this.db)(TABLE)
      .where({
        entity_ref: key.entityRef,
        rollout_namespace: key.rolloutNamespace,
        rollout_name: key.rolloutName,
        canary_hash: key.canaryHash,
        step: key.step,
      })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async insert(tx: Transaction, a: CanaryAnalysis): Promise<void> {
    await tx(TABLE).insert(toRow(a));
  }

  /** Replaces the analysis stored under `id` (an earlier Error) with a new one. */
  async replace(tx: Transaction, id: string, a: CanaryAnalysis): Promise<void> {
    await tx(TABLE).where({ id }).delete();
    await tx(TABLE).insert(toRow(a));
  }

  async list(entityRef: string, limit: number): Promise<CanaryAnalysis[]> {
    const rows = await this.db(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async listForCanary(canary: {
    entityRef: string;
    rolloutNamespace: string;
    rolloutName: string;
    canaryHash: string;
  }): Promise<CanaryAnalysis[]> {
    const rows = await this.db(TABLE)
      .where({
        entity_ref: canary.entityRef,
        rollout_namespace: canary.rolloutNamespace,
        rollout_name: canary.rolloutName,
        canary_hash: canary.canaryHash,
      })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(fromRow);
  }

  async get(
    entityRef: string,
    id: string,
  ): Promise<CanaryAnalysis | undefined> {
    const row = await this.db(TABLE)
      .where({ entity_ref: entityRef, id })
      .first();
    return row ? fromRow(row) : undefined;
  }
}
