/** Severity of a multiwindow multi-burn-rate alert, as Sloth names them. */
export type SloAlertSeverity = 'page' | 'ticket';

/** One window pair of a multiwindow alert: fires when both windows burn faster than `factor`. */
export interface SloAlertCondition {
  severity: SloAlertSeverity;
  shortWindow: string;
  longWindow: string;
  /** Share of the period's budget this pair guards against spending, in percent. */
  budgetPercent: number;
  /** Burn-rate threshold: (budgetPercent × period hours / 100) / long window hours. */
  factor: number;
  shortBurnRate: number | null;
  longBurnRate: number | null;
  firing: boolean;
}

export interface SloAlertStatus {
  severity: SloAlertSeverity;
  /** Alert name in the generated rules; absent when this alert is disabled. */
  name?: string;
  firing: boolean;
  conditions: SloAlertCondition[];
}

export interface SloBurnRate {
  /** Prometheus duration: 5m, 30m, 1h, 2h, 6h, 1d, 3d. */
  window: string;
  errorRatio: number | null;
  /** errorRatio / error budget; 1 spends exactly the budget over the period. */
  burnRate: number | null;
}

export interface SloBudget {
  /** Error budget as a ratio of events: 1 - objective / 100. */
  total: number;
  /** Share of the budget spent in the period (may exceed 1). */
  consumed: number | null;
  /** 1 - consumed (negative once overspent). */
  remaining: number | null;
  /** The budget expressed as full-outage time over the period, in minutes. */
  totalMinutes: number;
  remainingMinutes: number | null;
}

export interface SloDefinitionView {
  /** Sloth id: <service>-<name>. */
  id: string;
  service: string;
  name: string;
  description?: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  /** Prometheus duration of the rolling period, e.g. 30d. */
  period: string;
  format: 'prometheus/v1' | 'openslo/v1';
}

export interface SloStatus extends SloDefinitionView {
  /** Service level over the period (1 - error ratio), null without traffic. */
  sli: number | null;
  errorRatio: number | null;
  budget: SloBudget;
  /** Burn rate over the shortest window (5m), like Sloth's slo:current_burn_rate:ratio. */
  currentBurnRate: number | null;
  burnRates: SloBurnRate[];
  alerts: SloAlertStatus[];
  /** Rolling budget remaining over the last period, oldest first. */
  budgetHistory: Array<{ time: string; remaining: number | null }>;
}

/** Response of GET /api/gantry/entities/:namespace/:kind/:name/slos */
export interface EntitySlos {
  entityRef: string;
  /** Where the specs came from: the resolved URL, or the inline annotation. */
  source?: string;
  evaluatedAt: string;
  /** The SLOs as declared, whether or not Prometheus answered. */
  definitions: SloDefinitionView[];
  /** Computed status per SLO; empty when Prometheus is unreachable or not configured. */
  slos: SloStatus[];
  /** Why nothing was computed: Prometheus not configured or not answering. */
  error?: string;
}
