import { formatDuration } from '../kernel/durations';
import { goFloat } from './goFloat';
import type { AlertMeta, SloDefinition } from './model';
import { renderQuery } from './specChecks';
import { alertWindows, type AlertWindow } from './windows';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires. */
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

interface RuleOptions {
  /** Default runbook_url annotation of the alerts (the entity's docs); the spec's own wins. */
  runbookUrl?: string;
  /** Value of the sloth_spec label on sloth_slo_info; defaults to the spec format. */
  spec?: string;
}

const sliErrorMetric = (window: string) => `slo:sli_error:ratio_rate${window}`;

/** The label set identifying an SLO's series, as Sloth sets it. */
export function sloIdLabels(slo: SloDefinition): Record<string, string> {
  return { sloth_id: slo.id, sloth_service: slo.service, sloth_slo: slo.name };
}

/** Prometheus's LabelSet.String(): sorted, `{a="x", b="y"}`. */
export function labelFilter(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map(k => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

const sortedWindows = (windows: AlertWindow[]) =>
  [...new Set(windows.flatMap(w => [w.shortWindowMs, w.longWindowMs]))].sort(
    (a, b) => a - b,
  );

/** The error-ratio expression for one window: what slo:sli_error:ratio_rate<w> records. */
export function sliErrorExpr(slo: SloDefinition, window: string): string {
  return slo.sli.type === 'events'
    ? `(${renderQuery(slo.sli.errorQuery, window)})\n/\n(${renderQuery(
        slo.sli.totalQuery,
        window,
      )})\n`
    : `(${renderQuery(slo.sli.errorRatioQuery, window)})`;
}

function sliRules(slo: SloDefinition, windows: AlertWindow[]): RecordingRule[] {
  const id = sloIdLabels(slo);
  const rules: RecordingRule[] = sortedWindows(windows).map(ms => {
    const w = formatDuration(ms);
    return {
      record: sliErrorMetric(w),
      expr: sliErrorExpr(slo, w),
      labels: { ...id, sloth_window: w, ...slo.labels },
    };
  });
  // The period ratio averages the shortest-window ratio, as Sloth's optimized rule does.
  // Sloth labels it with sloth_window only; the id labels (which the expression yields
  // anyway, so the series are the same) keep promtool's duplicate-rule lint quiet when
  // several SLOs share a file.
  const period = formatDuration(slo.periodMs);
  const short = sliErrorMetric(formatDuration(windows[0].shortWindowMs));
  const filter = labelFilter(id);
  rules.push({
    record: sliErrorMetric(period),
    expr: `sum_over_time(${short}${filter}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(${short}${filter}[${period}])\n`,
    labels: { ...id, sloth_window: period },
  });
  return rules;
}

function metaRules(
  slo: SloDefinition,
  windows: AlertWindow[],
  opts: RuleOptions,
): RecordingRule[] {
  const id = sloIdLabels(slo);
  const labels = { ...id, ...slo.labels };
  const filter = labelFilter(id);
  const ratio = slo.objective / 100;
  const burnRate = (metric: string) =>
    `${metric}${filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${filter}\n`;
  return [
    {
      record: 'slo:objective:ratio',
      expr: `vector(${goFloat(ratio)})`,
      labels,
    },
    {
      record: 'slo:error_budget:ratio',
      expr: `vector(1-${goFloat(ratio)})`,
      labels,
    },
    {
      record: 'slo:time_period:days',
      expr: `vector(${goFloat(slo.periodMs / 86400_000)})`,
      labels,
    },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: burnRate(sliErrorMetric(formatDuration(windows[0].shortWindowMs))),
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: burnRate(sliErrorMetric(formatDuration(slo.periodMs))),
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${filter}`,
      labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: {
        ...labels,
        sloth_mode: 'gantry-gen-prom',
        sloth_objective: String(slo.objective),
        sloth_spec: opts.spec ?? slo.format,
        sloth_version: 'gantry',
      },
    },
  ];
}

/** Sloth's multiwindow multi-burn-rate expression for one severity (quick pair or slow pair). */
function alertExpr(
  slo: SloDefinition,
  quick: AlertWindow,
  slow: AlertWindow,
): string {
  const filter = labelFilter(sloIdLabels(slo));
  const b = goFloat((100 - slo.objective) / 100);
  const cond = (ms: number, factor: number) =>
    `max(${sliErrorMetric(formatDuration(ms))}${filter} > (${goFloat(
      factor,
    )} * ${b})) without (sloth_window)`;
  return `(\n    ${cond(
    quick.shortWindowMs,
    quick.factor,
  )}\n    and\n    ${cond(
    quick.longWindowMs,
    quick.factor,
  )}\n)\nor\n(\n    ${cond(
    slow.shortWindowMs,
    slow.factor,
  )}\n    and\n    ${cond(slow.longWindowMs, slow.factor)}\n)\n`;
}

function alertRule(
  slo: SloDefinition,
  meta: AlertMeta,
  severity: 'page' | 'ticket',
  pair: AlertWindow[],
  opts: RuleOptions,
): AlertingRule {
  return {
    alert: meta.name,
    expr: alertExpr(slo, pair[0], pair[1]),
    // Only the severity here: SLO labels come with the expression's series, as in Sloth.
    labels: { sloth_severity: severity, severity, ...meta.labels },
    annotations: {
      title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
      summary: `{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.`,
      ...(opts.runbookUrl ? { runbook_url: opts.runbookUrl } : {}),
      ...meta.annotations,
    },
  };
}

/** Sloth-compatible rule groups for each SLO: SLI recordings, metadata recordings, alerts. */
export function generateRuleGroups(
  slos: SloDefinition[],
  opts: RuleOptions = {},
): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (const slo of slos) {
    const windows = alertWindows(slo.periodMs);
    const alerts: AlertingRule[] = [];
    const page = windows.filter(w => w.severity === 'page');
    const ticket = windows.filter(w => w.severity === 'ticket');
    if (!slo.alerting.page.disable)
      alerts.push(alertRule(slo, slo.alerting.page, 'page', page, opts));
    if (!slo.alerting.ticket.disable)
      alerts.push(alertRule(slo, slo.alerting.ticket, 'ticket', ticket, opts));
    groups.push(
      {
        name: `sloth-slo-sli-recordings-${slo.id}`,
        rules: sliRules(slo, windows),
      },
      {
        name: `sloth-slo-meta-recordings-${slo.id}`,
        rules: metaRules(slo, windows, opts),
      },
    );
    if (alerts.length)
      groups.push({ name: `sloth-slo-alerts-${slo.id}`, rules: alerts });
  }
  return groups;
}
