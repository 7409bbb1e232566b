import { randomUUID } from 'node:crypto';
import type {
  DeploymentOutcome,
  DeploymentRecord,
} from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import type {
  DeploymentStore,
  RolloutOutcome,
  SyncObservation,
} from './DeploymentStore';

const TABLE = 'gantry_deployments';

type Row = {
  id: string;
  entity_ref: string;
  environment: string;
  instance: string;
  application: string;
  revision: string;
  commit_time: string | null;
  started_at: string;
  finished_at: string | null;
  sync_phase: string;
  rollout_outcome: string | null;
  rollout_finished_at: string | null;
  rollback: boolean | number;
  manual_intervention: boolean | number;
  initiator: string | null;
  source: string;
  message: string | null;
};

function outcomeOf(r: Row): DeploymentOutcome {
  if (r.rollout_outcome === 'aborted') return 'aborted';
  if (r.rollout_outcome === 'failed') return 'failed';
  if (r.sync_phase === 'Failed' || r.sync_phase === 'Error') return 'failed';
  if (r.sync_phase === 'Succeeded') return 'succeeded';
  return 'running';
}

function toRecord(r: Row): DeploymentRecord {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    instance: r.instance,
    application: r.application,
    revision: r.revision,
    commitTime: r.commit_time ?? undefined,
    startedAt: r.started_at,
    finishedAt: r.rollout_finished_at ?? r.finished_at ?? undefined,
    outcome: outcomeOf(r),
    rollback: Boolean(r.rollback),
    manualIntervention: Boolean(r.manual_intervention),
    initiator: r.initiator ?? undefined,
    source: r.source as DeploymentRecord['source'],
    message: r.message ?? undefined,
  };
}

/** A new row for an observation; the idempotency key decides whether it is kept. */
function toRow(o: SyncObservation, now: Date) {
  return {
    id: randomUUID(),
    entity_ref: o.entityRef,
    environment: o.environment,
    instance: o.instance,
    application: o.application,
    revision: o.revision,
    commit_time: o.commitTime ?? null,
    started_at: o.startedAt,
    finished_at: o.finishedAt ?? null,
    sync_phase: o.phase,
    rollback: o.rollback,
    manual_intervention: o.manualIntervention,
    initiator: o.initiator ?? null,
    source: o.source,
    message: o.message ?? null,
    updated_at: now.toISOString(),
  };
}

/**
 * Deployments, one row per Argo CD sync operation: the same operation reported twice (a
 * redelivered webhook, or a webhook and then the history backfill) is one row, keyed on
 * instance + application + revision + start time.
 */
export class KnexDeploymentStore implements DeploymentStore {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts or updates the operation. Written as one upsert so concurrent deliveries
   * cannot lose each other's fields: a late "Running" never undoes a finished phase and
   * known values are never replaced by missing ones.
   */
  async upsertSync(o: SyncObservation, now = new Date()): Promise<void> {
    const t = `${TABLE}`;
    const keep = (col: string) =>
      this.db.raw(`coalesce(excluded.??, ??.??)`, [col, t, col]);
    await this.db(TABLE)
      .insert(toRow(o, now))
      .onConflict(['instance', 'application', 'revision', 'started_at'])
      .merge({
        entity_ref: this.db.raw('excluded.entity_ref'),
        environment: this.db.raw('excluded.environment'),
        commit_time: keep('commit_time'),
        finished_at: keep('finished_at'),
        sync_phase: this.db.raw(
          `case when excluded.sync_phase in ('Running', 'Terminating') then ??.sync_phase else excluded.sync_phase end`,
          [t],
        ),
        rollback: this.db.raw(`(excluded.rollback or ??.rollback)`, [t]),
        manual_intervention: this.db.raw(
          `(excluded.manual_intervention or ??.manual_intervention)`,
          [t],
        ),
        initiator: keep('initiator'),
        message: keep('message'),
        updated_at: this.db.raw('excluded.updated_at'),
      });
  }

  /** Argo CD history entries: succeeded syncs; already known operations are left as they are. */
  async insertHistory(entries: SyncObservation[], now = new Date()) {
    if (entries.length === 0) return;
    await this.db(TABLE)
      .insert(entries.map(o => toRow(o, now)))
      .onConflict(['instance', 'application', 'revision', 'started_at'])
      .ignore();
  }

  /** The latest operation of an application that started no later than `at`. */
  async latestOf(
    instance: string,
    application: string,
    at: string,
  ): Promise<DeploymentRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ instance, application })
      .andWhere('started_at', '<=', at)
      .orderBy('started_at', 'desc')
      .first();
    return row ? toRecord(row) : undefined;
  }

  async setRolloutOutcome(id: string, outcome: RolloutOutcome, at: string) {
    await this.db(TABLE).where({ id }).update({
      rollout_outcome: outcome,
      rollout_finished_at: at,
      updated_at: new Date().toISOString(),
    });
  }

  /** Marks the environment's latest unfinished (or just finished) deployment as touched by hand. */
  async markManualIntervention(
    entityRef: string,
    environment: string,
    at: string,
  ) {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef, environment })
      .andWhere('started_at', '<=', at)
      .orderBy('started_at', 'desc')
      .first('id');
    if (row)
      await this.db(TABLE)
        .where({ id: row.id })
        .update({ manual_intervention: true, updated_at: at });
  }

  /** Newest first; `before` is a started_at from the previous page. */
  async list(q: {
    entityRef: string;
    environment?: string;
    before?: string;
    limit: number;
  }): Promise<DeploymentRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ entity_ref: q.entityRef })
      .modify(b => {
        if (q.environment) b.andWhere({ environment: q.environment });
        if (q.before) b.andWhere('started_at', '<', q.before);
      })
      .orderBy('started_at', 'desc')
      .limit(q.limit);
    return rows.map(toRecord);
  }

  /** Every deployment of one entity and environment that started in [from, to). */
  async between(
    entityRef: string,
    environment: string,
    from: string,
    to: string,
  ): Promise<DeploymentRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef, environment })
      .andWhere('started_at', '>=', from)
      .andWhere('started_at', '<', to)
      .orderBy('started_at', 'asc');
    return rows.map(toRecord);
  }
}
