import type {
  Incident,
  IncidentStatus,
  IncidentTimelineEntry,
} from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

export interface StoredIncident extends Incident {
  lastNotifiedAt?: string;
}

/** What the store knows of an alert already recorded. */
export interface StoredAlert {
  incidentId: string;
  status: 'firing' | 'resolved';
}

/** One Alertmanager alert, attached to its incident. */
export interface AlertRecord {
  fingerprint: string;
  startsAt: string;
  incidentId: string;
  entityRef: string;
  alertname: string;
  severity?: string;
  status: 'firing' | 'resolved';
  endsAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl?: string;
}

export type IncidentPatch = Partial<{
  status: IncidentStatus;
  startedAt: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  resolvedAt: string | null;
  escalationLevel: number;
  lastNotifiedAt: string;
  severity: string;
}>;

/** Incidents and the Alertmanager alerts attached to them; KnexIncidentStore keeps them in the database. */
export interface IncidentStore {
  transaction: RunInTransaction;

  get(id: string, tx?: Transaction): Promise<StoredIncident | undefined>;
  /** The open or acknowledged incident of an entity, the latest if several. */
  openFor(
    entityRef: string,
    tx?: Transaction,
  ): Promise<StoredIncident | undefined>;
  list(q: {
    entityRefs?: string[];
    statuses?: IncidentStatus[];
    limit: number;
  }): Promise<StoredIncident[]>;
  /** How many incidents `list` would return without its limit. */
  count(q: {
    entityRefs?: string[];
    statuses?: IncidentStatus[];
  }): Promise<number>;
  insertIncident(i: StoredIncident, tx: Transaction): Promise<void>;
  /** Sets the columns in `patch` and appends `append` to the timeline. */
  update(
    id: string,
    patch: IncidentPatch,
    append: IncidentTimelineEntry[],
    tx: Transaction,
  ): Promise<void>;

  findAlert(
    fingerprint: string,
    startsAt: string,
    tx: Transaction,
  ): Promise<StoredAlert | undefined>;
  /** Records an alert; redelivery updates status, end and annotations only. */
  upsertAlert(a: AlertRecord, tx: Transaction): Promise<void>;
  firingCount(incidentId: string, tx: Transaction): Promise<number>;

  /** Incidents of an entity that started in [from, to). */
  between(entityRef: string, from: string, to: string): Promise<Incident[]>;
  /** Open, unacknowledged incidents, for the escalation tick. */
  unacknowledged(): Promise<StoredIncident[]>;
}
