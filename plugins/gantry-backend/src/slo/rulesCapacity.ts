import {
  FORECAST_WINDOW,
  ratioQuery,
  ratioRecord,
  type CapacityResourceName,
} from '../kernel/capacityQueries';
import type { SloDefinition } from './model';
import {
  labelFilter,
  sloIdLabels,
  type AlertingRule,
  type RecordingRule,
  type RuleGroup,
} from './rules';

export interface CapacityRuleOptions {
  /** The entity ref the alerts name (gantry_entity), so incidents land on the entity. */
  entityRef: string;
  /** Container and HorizontalPodAutoscaler name of the service's pods. */
  container: string;
  /** Alert when a forecast reaches its limit within this many days; default 7. */
  forecastDays?: number;
  runbookUrl?: string;
}

/** Usage above this share of the limits for 15 minutes is saturation now. */
export const SATURATION_RATIO = 0.9;
export const DEFAULT_FORECAST_DAYS = 7;
/**
 * A forecast alerts only for series with at least this much history: a line fitted to
 * a few minutes of noise predicts anything.
 */
const MIN_HISTORY = '6h';

const TITLES: Record<CapacityResourceName, string> = {
  cpu: 'CPU',
  memory: 'memory',
};

/**
 * Capacity rules beside the SLO rules: CPU and memory use against the containers'
 * limits (recorded per namespace, alerted when saturated and when predict_linear over
 * the last day reaches the limit within the horizon), the HPA pinned at its maximum,
 * and each SLO's remaining error budget forecast to run out within the horizon.
 */
export function capacityRuleGroups(
  slos: SloDefinition[],
  opts: CapacityRuleOptions,
): RuleGroup[] {
  const days = opts.forecastDays ?? DEFAULT_FORECAST_DAYS;
  const horizon = `${days} * 86400`;
  const entity = { gantry_entity: opts.entityRef };
  const sel = `{container=${JSON.stringify(opts.container)}}`;
  const annotations = (title: string, summary: string) => ({
    title,
    summary,
    ...(opts.runbookUrl ? { runbook_url: opts.runbookUrl } : {}),
  });
  const recordings: RecordingRule[] = (['cpu', 'memory'] as const).map(r => ({
    record: ratioRecord(r),
    expr: `${ratioQuery(r, opts.container)}\n`,
    labels: entity,
  }));
  const resourceAlerts = (r: CapacityResourceName): AlertingRule[] => [
    {
      alert: r === 'cpu' ? 'ContainerCpuSaturated' : 'ContainerMemorySaturated',
      expr: `${ratioRecord(r)}${sel} > ${SATURATION_RATIO}`,
      for: '15m',
      labels: { ...entity, severity: 'ticket', gantry_capacity: r },
      annotations: annotations(
        `{{$labels.container}} in {{$labels.namespace}} uses {{ $value | humanizePercentage }} of its ${TITLES[r]} limits.`,
        `Use of ${TITLES[r]} is over ${
          SATURATION_RATIO * 100
        } % of the containers' limits${
          r === 'cpu' ? ' (throttling)' : ' (OOM kills ahead)'
        }.`,
      ),
    },
    {
      alert:
        r === 'cpu'
          ? 'ContainerCpuLimitForecast'
          : 'ContainerMemoryLimitForecast',
      expr: `predict_linear(${ratioRecord(
        r,
      )}${sel}[${FORECAST_WINDOW}], ${horizon}) >= 1\nand\n${ratioRecord(
        r,
      )}${sel} offset ${MIN_HISTORY}\n`,
      for: '1h',
      labels: { ...entity, severity: 'ticket', gantry_capacity: r },
      annotations: annotations(
        `{{$labels.container}} in {{$labels.namespace}} reaches its ${TITLES[r]} limits within ${days} days at the current trend.`,
        `predict_linear over the last ${FORECAST_WINDOW} puts ${TITLES[r]} use at or over the limits within ${days} days.`,
      ),
    },
  ];
  const hpa: AlertingRule = {
    alert: 'HpaAtMaxReplicas',
    expr: `kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=${JSON.stringify(
      opts.container,
    )}}\n>= on (namespace, horizontalpodautoscaler)\nkube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler=${JSON.stringify(
      opts.container,
    )}}\n`,
    for: '15m',
    labels: { ...entity, severity: 'ticket', gantry_capacity: 'replicas' },
    annotations: annotations(
      'HPA {{$labels.namespace}}/{{$labels.horizontalpodautoscaler}} has run at its maximum replicas for 15 minutes.',
      'The autoscaler cannot add pods: raise maxReplicas or the limits before load grows further.',
    ),
  };
  const budget = slos.map((slo): AlertingRule => {
    const filter = labelFilter(sloIdLabels(slo));
    const remaining = `slo:period_error_budget_remaining:ratio${filter}`;
    return {
      alert: 'ErrorBudgetExhaustionForecast',
      // Only while budget is left: once it is gone the burn-rate alerts and the gate speak.
      expr: `predict_linear(${remaining}[${FORECAST_WINDOW}], ${horizon}) <= 0\nand\n${remaining} > 0\nand\n${remaining} offset ${MIN_HISTORY}\n`,
      for: '1h',
      // sloth_id (which the expression yields anyway) keeps promtool's duplicate-rule lint quiet.
      labels: {
        ...entity,
        severity: 'ticket',
        gantry_capacity: 'error-budget',
        sloth_id: slo.id,
      },
      annotations: annotations(
        '{{$labels.sloth_service}} {{$labels.sloth_slo}} error budget runs out within ' +
          `${days} days at the current burn.`,
        `predict_linear over the last ${FORECAST_WINDOW} of the remaining error budget reaches 0 within ${days} days.`,
      ),
    };
  });
  const name = opts.container;
  return [
    { name: `gantry-capacity-recordings-${name}`, rules: recordings },
    {
      name: `gantry-capacity-alerts-${name}`,
      rules: [
        ...resourceAlerts('cpu'),
        ...resourceAlerts('memory'),
        hpa,
        ...budget,
      ],
    },
  ];
}
