type SpecFormat = 'prometheus/v1' | 'openslo/v1';

export type SliDefinition =
  | { type: 'events'; errorQuery: string; totalQuery: string }
  | { type: 'raw'; errorRatioQuery: string };

/** One of the two alerts Sloth generates per SLO (page, ticket). */
export interface AlertMeta {
  disable: boolean;
  /** Alert name (Sloth: alerting.name for both); empty when disabled. */
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** An SLO after parsing either spec format: what rules and status are computed from. */
export interface SloDefinition {
  /** Sloth id: <service>-<name>. */
  id: string;
  service: string;
  name: string;
  description?: string;
  /** Percent in (0, 100), e.g. 99.9. */
  objective: number;
  /** Rolling period in milliseconds (30d unless the spec says otherwise). */
  periodMs: number;
  /** Spec labels merged with the SLO's own; they go on every recording rule. */
  labels: Record<string, string>;
  sli: SliDefinition;
  alerting: { page: AlertMeta; ticket: AlertMeta };
  format: SpecFormat;
  /** Where the spec came from, for messages. */
  file: string;
}

export const DEFAULT_PERIOD_MS = 30 * 86400_000;
