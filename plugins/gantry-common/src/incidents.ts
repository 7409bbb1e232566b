import type { DeploymentRecord } from './deployments';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface IncidentAlert {
  fingerprint: string;
  alertname: string;
  severity?: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt?: string;
  summary?: string;
  runbookUrl?: string;
  generatorUrl?: string;
}

/** One click that undoes the suspect change, each behind the Delivery tab action's permission. */
export type IncidentRemedy =
  | {
      kind: 'abort-rollout';
      cluster: string;
      namespace: string;
      name: string;
      label: string;
    }
  | {
      kind: 'argocd-rollback';
      instance: string;
      application: string;
      historyId: number;
      revision: string;
      label: string;
    }
  | { kind: 'flag-off'; environment: string; key: string; label: string };

export interface IncidentTimelineEntry {
  at: string;
  kind:
    | 'alert-firing'
    | 'alert-resolved'
    | 'opened'
    | 'notified'
    | 'escalated'
    | 'acknowledged'
    | 'remedy'
    | 'resolved';
  text: string;
  actor?: string;
}

export interface Incident {
  id: string;
  entityRef: string;
  title: string;
  severity?: string;
  status: IncidentStatus;
  /** When the first alert started firing. */
  startedAt: string;
  /** When Gantry received it. */
  detectedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  /** The deployment that started shortly before the first alert, if any. */
  suspect?: DeploymentRecord;
  /** Suspect deployment finished -> first alert started, in seconds. */
  timeToDetectSeconds?: number;
  /** First alert started -> last alert resolved, in seconds. */
  timeToRestoreSeconds?: number;
  escalationLevel: number;
  alerts: IncidentAlert[];
  timeline: IncidentTimelineEntry[];
  /** The service's traces of the incident's window (annotation gantry.dev/tracing-url), when set. */
  traceUrl?: string;
}

export interface IncidentDetail extends Incident {
  remedies: IncidentRemedy[];
  owners: string[];
  /** Sources that could not be read while working out the remedies. */
  errors: string[];
}

/** The on-call page's incidents: the newest ones, and how many match in all. */
export interface OnCallIncidents {
  items: Incident[];
  total: number;
  /** True when `items` leaves out older incidents (`total` > `items.length`). */
  truncated: boolean;
}
