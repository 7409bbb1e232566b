import type { Knex } from 'knex';
import type {
  FeatureFlag,
  FlagSegment,
  FlagType,
  FlagdFlag,
} from '@gantry/plugin-gantry-common';
import { knexTransactions, type RunInTransaction } from '../kernel/transaction';
import type { FlagEvaluationCount, FlagStore, StoredFlag } from './FlagStore';
import { summarize } from './rollout';

type FlagRow = {
  entity_ref: string;
  environment: string;
  flag_key: string;
  definition: string;
  flag_type: string;
  owner: string;
  expires_at: string | null;
  description: string | null;
  safe_variant: string;
  prerequisites: string | null;
  version: number;
  killed_at: string | null;
  killed_by: string | null;
  killed_reason: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  last_evaluated_at: string | null;
};

type SegmentRow = {
  entity_ref: string;
  environment: string;
  name: string;
  rule: string;
  description: string | null;
  version: number;
  updated_at: string;
  updated_by: string;
};

function toFlag(r: FlagRow): FeatureFlag {
  const definition = JSON.parse(r.definition) as FlagdFlag;
  return {
    entityRef: r.entity_ref,
    environment: r.environment,
    key: r.flag_key,
    definition,
    type: r.flag_type as FlagType,
    owner: r.owner,
    ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    ...(r.description ? { description: r.description } : {}),
    safeVariant: r.safe_variant,
    ...(r.prerequisites ? { prerequisites: JSON.parse(r.prerequisites) } : {}),
    version: Number(r.version),
    ...(r.killed_at
      ? {
          killedAt: r.killed_at,
          killedBy: r.killed_by!,
          ...(r.killed_reason ? { killedReason: r.killed_reason } : {}),
        }
      : {}),
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    ...(r.last_evaluated_at ? { lastEvaluatedAt: r.last_evaluated_at } : {}),
    summary: summarize(definition),
  };
}

function toSegment(r: SegmentRow): FlagSegment {
  return {
    entityRef: r.entity_ref,
    environment: r.environment,
    name: r.name,
    rule: JSON.parse(r.rule),
    ...(r.description ? { description: r.description } : {}),
    version: Number(r.version),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** Flags, segments and set revisions in gantry_flags, gantry_flag_segments and gantry_flag_sets. */
export class KnexFlagStore implements FlagStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async listFlags(
    entityRef: string,
    environment?: string,
    tx: Knex = this.db,
  ): Promise<FeatureFlag[]> {
    const q = tx<FlagRow>('gantry_flags').where({ entity_ref: entityRef });
    if (environment) q.andWhere({ environment });
    return (await q.orderBy(['environment', 'flag_key'])).map(toFlag);
  }

  /** Flags of every entity whose metadata names a linked SLO (candidates for the ramp guard). */
  async listFlagsWithLinkedSlo(): Promise<FeatureFlag[]> {
    const rows = await this.db<FlagRow>('gantry_flags')
      .where('definition', 'like', '%"linkedSlo"%')
      .orderBy(['entity_ref', 'environment', 'flag_key']);
    return rows.map(toFlag);
  }

  /** Reads one flag, locking its row for the transaction on PostgreSQL. */
  async getFlag(
    entityRef: string,
    environment: string,
    key: string,
    tx: Knex = this.db,
  ): Promise<FeatureFlag | undefined> {
    const q = tx<FlagRow>('gantry_flags').where({
      entity_ref: entityRef,
      environment,
      flag_key: key,
    });
    if (tx.isTransaction && tx.client.config.client !== 'better-sqlite3')
      q.forUpdate();
    const row = await q.first();
    return row ? toFlag(row) : undefined;
  }

  async insertFlag(tx: Knex.Transaction, f: StoredFlag): Promise<void> {
    await tx('gantry_flags').insert({
      entity_ref: f.entityRef,
      environment: f.environment,
      flag_key: f.key,
      ...this.columns(f),
      created_at: f.createdAt,
      created_by: f.createdBy,
    });
  }

  async updateFlag(tx: Knex.Transaction, f: StoredFlag): Promise<void> {
    await tx('gantry_flags')
      .where({
        entity_ref: f.entityRef,
        environment: f.environment,
        flag_key: f.key,
      })
      .update(this.columns(f));
  }

  private columns(f: StoredFlag) {
    return {
      definition: JSON.stringify(f.definition),
      flag_type: f.type,
      owner: f.owner,
      expires_at: f.expiresAt ?? null,
      description: f.description ?? null,
      safe_variant: f.safeVariant,
      prerequisites: f.prerequisites?.length
        ? JSON.stringify(f.prerequisites)
        : null,
      version: f.version,
      killed_at: f.killedAt ?? null,
      killed_by: f.killedBy ?? null,
      killed_reason: f.killedReason ?? null,
      updated_at: f.updatedAt,
      updated_by: f.updatedBy,
    };
  }

  async deleteFlag(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    key: string,
  ): Promise<void> {
    await tx('gantry_flags')
      .where({ entity_ref: entityRef, environment, flag_key: key })
      .delete();
  }

  async listSegments(
    entityRef: string,
    environment?: string,
    tx: Knex = this.db,
  ): Promise<FlagSegment[]> {
    const q = tx<SegmentRow>('gantry_flag_segments').where({
      entity_ref: entityRef,
    });
    if (environment) q.andWhere({ environment });
    return (await q.orderBy(['environment', 'name'])).map(toSegment);
  }

  async getSegment(
    entityRef: string,
    environment: string,
    name: string,
    tx: Knex = this.db,
  ): Promise<FlagSegment | undefined> {
    const row = await tx<SegmentRow>('gantry_flag_segments')
      .where({ entity_ref: entityRef, environment, name })
      .first();
    return row ? toSegment(row) : undefined;
  }

  async putSegment(
    tx: Knex.Transaction,
    s: FlagSegment,
    create: boolean,
  ): Promise<void> {
    const columns = {
      rule: JSON.stringify(s.rule),
      description: s.description ?? null,
      version: s.version,
      updated_at: s.updatedAt,
      updated_by: s.updatedBy,
    };
    const key = {
      entity_ref: s.entityRef,
      environment: s.environment,
      name: s.name,
    };
    if (create) await tx('gantry_flag_segments').insert({ ...key, ...columns });
    else await tx('gantry_flag_segments').where(key).update(columns);
  }

  async deleteSegment(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    name: string,
  ): Promise<void> {
    await tx('gantry_flag_segments')
      .where({ entity_ref: entityRef, environment, name })
      .delete();
  }

  /**
   * Raises the set's revision inside the change's transaction. Taking this row lock
   * first also serialises concurrent writers of one flag set.
   */
  async bumpRevision(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    now: string,
  ): Promise<number> {
    const updated = await tx('gantry_flag_sets')
      .where({ entity_ref: entityRef, environment })
      .update({ revision: tx.raw('revision + 1'), updated_at: now });
    if (!updated) {
      await tx('gantry_flag_sets').insert({
        entity_ref: entityRef,
        environment,
        revision: 1,
        updated_at: now,
      });
      return 1;
    }
    const row = await tx('gantry_flag_sets')
      .where({ entity_ref: entityRef, environment })
      .first('revision');
    return Number(row.revision);
  }

  async revisionOf(entityRef: string, environment: string): Promise<number> {
    const row = await this.db('gantry_flag_sets')
      .where({ entity_ref: entityRef, environment })
      .first('revision');
    return row ? Number(row.revision) : 0;
  }

  /** Every set's revision, for replicas to notice changes made elsewhere. */
  async revisions(): Promise<
    Array<{ entityRef: string; environment: string; revision: number }>
  > {
    const rows = await this.db('gantry_flag_sets').select(
      'entity_ref',
      'environment',
      'revision',
    );
    return rows.map(r => ({
      entityRef: r.entity_ref,
      environment: r.environment,
      revision: Number(r.revision),
    }));
  }

  /** Adds evaluation counts to their buckets (an upsert that sums on both engines). */
  async addEvaluationCounts(
    rows: Array<{
      entityRef: string;
      environment: string;
      key: string;
      variant: string;
      bucketStart: string;
      count: number;
    }>,
  ): Promise<void> {
    if (!rows.length) return;
    await this.db.transaction(async tx => {
      for (const r of rows) {
        await tx('gantry_flag_evaluation_counts')
          .insert({
            entity_ref: r.entityRef,
            environment: r.environment,
            flag_key: r.key,
            variant: r.variant,
            bucket_start: r.bucketStart,
            count: r.count,
          })
          .onConflict([
            'entity_ref',
            'environment',
            'flag_key',
            'variant',
            'bucket_start',
          ])
          .merge({
            count: tx.raw('gantry_flag_evaluation_counts.count + ?', [r.count]),
          });
      }
    });
  }

  async evaluationCounts(
    entityRef: string,
    environment: string,
    from: string,
  ): Promise<FlagEvaluationCount[]> {
    const rows = await this.db('gantry_flag_evaluation_counts')
      .where({ entity_ref: entityRef, environment })
      .andWhere('bucket_start', '>=', from)
      .orderBy(['bucket_start', 'flag_key', 'variant']);
    return rows.map(r => ({
      bucketStart: r.bucket_start,
      key: r.flag_key,
      variant: r.variant,
      count: Number(r.count),
    }));
  }

  async markEvaluated(
    entries: Array<{ entityRef: string; environment: string; key: string }>,
    at: string,
  ): Promise<void> {
    for (const e of entries) {
      await this.db('gantry_flags')
        .where({
          entity_ref: e.entityRef,
          environment: e.environment,
          flag_key: e.key,
        })
        .update({ last_evaluated_at: at });
    }
  }
}
