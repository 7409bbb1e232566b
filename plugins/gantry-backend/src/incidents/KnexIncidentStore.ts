import type { Knex } from 'knex';
import type {
  DeploymentRecord,
  IncidentAlert,
  IncidentStatus,
  IncidentTimelineEntry,
} from '@gantry/plugin-gantry-common';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type {
  AlertRecord,
  IncidentPatch,
  IncidentStore,
  StoredAlert,
  StoredIncident,
} from './IncidentStore';

type IncidentRow = {
  id: string;
  entity_ref: string;
  title: string;
  severity: string | null;
  status: string;
  started_at: string;
  detected_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  suspect: string | null;
  escalation_level: number;
  last_notified_at: string | null;
  timeline: string;
};

type AlertRow = {
  fingerprint: string;
  starts_at: string;
  incident_id: string;
  entity_ref: string;
  alertname: string;
  severity: string | null;
  status: string;
  ends_at: string | null;
  labels: string;
  annotations: string;
  generator_url: string | null;
};

const seconds = (from?: string, to?: string) =>
  from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined;

function toAlert(r: AlertRow): IncidentAlert {
  const annotations = JSON.parse(r.annotations) as Record<string, string>;
  return {
    fingerprint: r.fingerprint,
    alertname: r.alertname,
    severity: r.severity ?? undefined,
    status: r.status as IncidentAlert['status'],
    startsAt: r.starts_at,
    endsAt: r.ends_at ?? undefined,
    summary: annotations.summary ?? annotations.description,
    runbookUrl: annotations.runbook_url,
    generatorUrl: r.generator_url ?? undefined,
  };
}

function toIncident(r: IncidentRow, alerts: AlertRow[]): StoredIncident {
  const suspect = r.suspect
    ? (JSON.parse(r.suspect) as DeploymentRecord)
    : undefined;
  return {
    id: r.id,
    entityRef: r.entity_ref,
    title: r.title,
    severity: r.severity ?? undefined,
    status: r.status as IncidentStatus,
    startedAt: r.started_at,
    detectedAt: r.detected_at,
    acknowledgedAt: r.acknowledged_at ?? undefined,
    acknowledgedBy: r.acknowledged_by ?? undefined,
    resolvedAt: r.resolved_at ?? undefined,
    suspect,
    timeToDetectSeconds: seconds(
      suspect?.finishedAt ?? suspect?.startedAt,
      r.started_at,
    ),
    timeToRestoreSeconds: seconds(r.started_at, r.resolved_at ?? undefined),
    escalationLevel: Number(r.escalation_level),
    lastNotifiedAt: r.last_notified_at ?? undefined,
    alerts: alerts.filter(a => a.incident_id === r.id).map(toAlert),
    timeline: JSON.parse(r.timeline),
  };
}

/** Incidents and the Alertmanager alerts attached to them, in gantry_incidents and gantry_alerts. */
export class KnexIncidentStore implements IncidentStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  private async hydrate(rows: IncidentRow[], tx: Knex = this.db) {
    if (rows.length === 0) return [];
    const alerts = await tx<AlertRow>('gantry_alerts')
      .whereIn(
        'incident_id',
        rows.map(r => r.id),
      )
      .orderBy('starts_at', 'asc');
    return rows.map(r => toIncident(r, alerts));
  }

  async get(id: string, tx: Knex = this.db) {
    const row = await tx<IncidentRow>('gantry_incidents').where({ id }).first();
    return row ? (await this.hydrate([row], tx))[0] : undefined;
  }

  async openFor(entityRef: string, tx: Knex = this.db) {
    const row = await tx<IncidentRow>('gantry_incidents')
      .where({ entity_ref: entityRef })
      .whereIn('status', ['open', 'acknowledged'])
      .orderBy('started_at', 'desc')
      .first();
    return row ? (await this.hydrate([row], tx))[0] : undefined;
  }

  private matching(q: { entityRefs?: string[]; statuses?: IncidentStatus[] }) {
    return this.db<IncidentRow>('gantry_incidents').modify(b => {
      if (q.entityRefs) b.whereIn('entity_ref', q.entityRefs);
      if (q.statuses) b.whereIn('status', q.statuses);
    });
  }

  async list(q: {
    entityRefs?: string[];
    statuses?: IncidentStatus[];
    limit: number;
  }) {
    const rows = await this.matching(q)
      .orderBy('started_at', 'desc')
      .limit(q.limit);
    return this.hydrate(rows);
  }

  async count(q: { entityRefs?: string[]; statuses?: IncidentStatus[] }) {
    const [{ n }] = await this.matching(q).count({ n: '*' });
    return Number(n);
  }

  async insertIncident(i: StoredIncident, tx: Transaction) {
    await tx('gantry_incidents').insert({
      id: i.id,
      entity_ref: i.entityRef,
      title: i.title,
      severity: i.severity ?? null,
      status: i.status,
      started_at: i.startedAt,
      detected_at: i.detectedAt,
      suspect: i.suspect ? JSON.stringify(i.suspect) : null,
      escalation_level: i.escalationLevel,
      last_notified_at: i.lastNotifiedAt ?? null,
      timeline: JSON.stringify(i.timeline),
    });
  }

  async update(
    id: string,
    patch: IncidentPatch,
    append: IncidentTimelineEntry[],
    tx: Transaction,
  ) {
    const row = await tx<IncidentRow>('gantry_incidents')
      .where({ id })
      .first('timeline');
    const timeline = [...JSON.parse(row!.timeline), ...append];
    const cols: Record<string, unknown> = {
      timeline: JSON.stringify(timeline),
    };
    const names: Record<string, string> = {
      status: 'status',
      startedAt: 'started_at',
      acknowledgedAt: 'acknowledged_at',
      acknowledgedBy: 'acknowledged_by',
      resolvedAt: 'resolved_at',
      escalationLevel: 'escalation_level',
      lastNotifiedAt: 'last_notified_at',
      severity: 'severity',
    };
    for (const [k, v] of Object.entries(patch)) cols[names[k]] = v;
    await tx('gantry_incidents').where({ id }).update(cols);
  }

  async findAlert(
    fingerprint: string,
    startsAt: string,
    tx: Transaction,
  ): Promise<StoredAlert | undefined> {
    const row = await tx<AlertRow>('gantry_alerts')
      .where({ fingerprint, starts_at: startsAt })
      .first();
    return row
      ? {
          incidentId: row.incident_id,
          status: row.status as StoredAlert['status'],
        }
      : undefined;
  }

  async upsertAlert(a: AlertRecord, tx: Transaction) {
    await tx('gantry_alerts')
      .insert({
        fingerprint: a.fingerprint,
        starts_at: a.startsAt,
        incident_id: a.incidentId,
        entity_ref: a.entityRef,
        alertname: a.alertname,
        severity: a.severity ?? null,
        status: a.status,
        ends_at: a.endsAt ?? null,
        labels: JSON.stringify(a.labels),
        annotations: JSON.stringify(a.annotations),
        generator_url: a.generatorUrl ?? null,
      })
      .onConflict(['fingerprint', 'starts_at'])
      .merge(['status', 'ends_at', 'annotations']);
  }

  async firingCount(incidentId: string, tx: Transaction) {
    const [{ n }] = await tx('gantry_alerts')
      .where({ incident_id: incidentId, status: 'firing' })
      .count({ n: '*' });
    return Number(n);
  }

  /** Incidents of an entity that started in [from, to). */
  async between(entityRef: string, from: string, to: string) {
    const rows = await this.db<IncidentRow>('gantry_incidents')
      .where({ entity_ref: entityRef })
      .andWhere('started_at', '>=', from)
      .andWhere('started_at', '<', to);
    return rows.map(r => toIncident(r, []));
  }

  /** Open, unacknowledged incidents, for the escalation tick. */
  async unacknowledged() {
    const rows = await this.db<IncidentRow>('gantry_incidents').where({
      status: 'open',
    });
    return this.hydrate(rows);
  }
}
