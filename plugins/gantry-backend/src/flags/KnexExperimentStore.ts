import type { Knex } from 'knex';
import type { FlagExperiment } from '@gantry/plugin-gantry-common';
import { knexTransactions, type RunInTransaction } from '../kernel/transaction';
import type {
  ExperimentCounts,
  ExperimentStore,
  UnitKey,
} from './ExperimentStore';

type ExperimentRow = {
  entity_ref: string;
  environment: string;
  flag_key: string;
  conversion_event: string;
  control_variant: string;
  minimum_detectable_effect: number;
  baseline_rate: number | null;
  alpha: number;
  power: number;
  version: number;
  started_at: string;
  updated_at: string;
  updated_by: string;
};

const UNITS = 'gantry_flag_experiment_units';
/** Rows per multi-row insert: 7 bound values each stays far below SQLite's variable limit. */
const CHUNK = 500;

function toExperiment(r: ExperimentRow): FlagExperiment {
  return {
    entityRef: r.entity_ref,
    environment: r.environment,
    flagKey: r.flag_key,
    conversionEvent: r.conversion_event,
    controlVariant: r.control_variant,
    minimumDetectableEffect: Number(r.minimum_detectable_effect),
    ...(r.baseline_rate !== null
      ? { baselineRate: Number(r.baseline_rate) }
      : {}),
    alpha: Number(r.alpha),
    power: Number(r.power),
    version: Number(r.version),
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK)
    out.push(rows.slice(i, i + CHUNK));
  return out;
}

/**
 * Experiments and their units in gantry_flag_experiments,
 * gantry_flag_experiment_units and gantry_flag_experiment_events.
 */
export class KnexExperimentStore implements ExperimentStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async get(
    entityRef: string,
    environment: string,
    flagKey: string,
    tx: Knex = this.db,
  ): Promise<FlagExperiment | undefined> {
    const row = await tx<ExperimentRow>('gantry_flag_experiments')
      .where({ entity_ref: entityRef, environment, flag_key: flagKey })
      .first();
    return row ? toExperiment(row) : undefined;
  }

  async list(
    entityRef: string,
    environment: string,
    tx: Knex = this.db,
  ): Promise<FlagExperiment[]> {
    const rows = await tx<ExperimentRow>('gantry_flag_experiments').where({
      entity_ref: entityRef,
      environment,
    });
    return rows.map(toExperiment);
  }

  async put(tx: Knex.Transaction, e: FlagExperiment): Promise<void> {
    const key = {
      entity_ref: e.entityRef,
      environment: e.environment,
      flag_key: e.flagKey,
    };
    const columns = {
      conversion_event: e.conversionEvent,
      control_variant: e.controlVariant,
      minimum_detectable_effect: e.minimumDetectableEffect,
      baseline_rate: e.baselineRate ?? null,
      alpha: e.alpha,
      power: e.power,
      version: e.version,
      started_at: e.startedAt,
      updated_at: e.updatedAt,
      updated_by: e.updatedBy,
    };
    if (e.version === 1)
      await tx('gantry_flag_experiments').insert({ ...key, ...columns });
    else await tx('gantry_flag_experiments').where(key).update(columns);
  }

  /** The subset of `ids` already ingested for this flag set. */
  async knownEventIds(
    tx: Knex,
    entityRef: string,
    environment: string,
    ids: string[],
  ): Promise<Set<string>> {
    const known = new Set<string>();
    for (const part of chunks(ids)) {
      const rows = await tx('gantry_flag_experiment_events')
        .where({ entity_ref: entityRef, environment })
        .whereIn('event_id', part)
        .select('event_id');
      rows.forEach(r => known.add(r.event_id));
    }
    return known;
  }

  async addEventIds(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    ids: string[],
    at: string,
  ): Promise<void> {
    for (const part of chunks(ids)) {
      await tx('gantry_flag_experiment_events')
        .insert(
          part.map(id => ({
            entity_ref: entityRef,
            environment,
            event_id: id,
            received_at: at,
          })),
        )
        // A concurrent retry of the same batch: its units are idempotent anyway.
        .onConflict(['entity_ref', 'environment', 'event_id'])
        .ignore();
    }
  }

  /** Forgets ids received before `before`; returns how many. */
  async pruneEventIds(before: string): Promise<number> {
    return this.db('gantry_flag_experiment_events')
      .where('received_at', '<', before)
      .delete();
  }

  /** First exposure wins: a unit keeps the variant it was first seen with. */
  async addExposures(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    rows: Array<UnitKey & { variant: string }>,
  ): Promise<void> {
    for (const part of chunks(rows)) {
      await tx(UNITS)
        .insert(
          part.map(r => ({
            entity_ref: entityRef,
            environment,
            flag_key: r.flagKey,
            targeting_key: r.targetingKey,
            variant: r.variant,
            exposed_at: r.at,
            converted_at: null,
          })),
        )
        .onConflict(['entity_ref', 'environment', 'flag_key', 'targeting_key'])
        .merge({
          variant: tx.raw(`coalesce(${UNITS}.variant, excluded.variant)`),
          exposed_at: tx.raw(
            `coalesce(${UNITS}.exposed_at, excluded.exposed_at)`,
          ),
        });
    }
  }

  /** A conversion may arrive before its exposure; the unit then waits for its variant. */
  async addConversions(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    rows: UnitKey[],
  ): Promise<void> {
    for (const part of chunks(rows)) {
      await tx(UNITS)
        .insert(
          part.map(r => ({
            entity_ref: entityRef,
            environment,
            flag_key: r.flagKey,
            targeting_key: r.targetingKey,
            variant: null,
            exposed_at: null,
            converted_at: r.at,
          })),
        )
        .onConflict(['entity_ref', 'environment', 'flag_key', 'targeting_key'])
        .merge({
          converted_at: tx.raw(
            `coalesce(${UNITS}.converted_at, excluded.converted_at)`,
          ),
        });
    }
  }

  /** Distinct exposed and converted targeting keys per variant, and conversions never exposed. */
  async counts(
    entityRef: string,
    environment: string,
    flagKey: string,
  ): Promise<ExperimentCounts> {
    const rows = await this.db(UNITS)
      .where({ entity_ref: entityRef, environment, flag_key: flagKey })
      .groupBy('variant')
      .select('variant')
      .count({ units: '*' })
      .count({ converted: 'converted_at' });
    const variants: ExperimentCounts['variants'] = {};
    let unexposedConversions = 0;
    for (const r of rows as Array<{
      variant: string | null;
      units: number | string;
      converted: number | string;
    }>) {
      if (r.variant === null) unexposedConversions = Number(r.converted);
      else
        variants[r.variant] = {
          exposures: Number(r.units),
          conversions: Number(r.converted),
        };
    }
    return { variants, unexposedConversions };
  }
}
