import { parseDuration } from '../kernel/durations';
import type { AlertMeta, SliDefinition, SloDefinition } from './model';
import {
  checkKnownFields,
  checkObjective,
  describe,
  isObject,
  readName,
  readQuery,
  readStringMap,
  type Obj,
  type SpecProblems,
} from './specChecks';
import { LONGEST_WINDOW_MS } from './windows';

/** An OpenSLO v1 document with its position in the file, for references and messages. */
export interface OpenSloDoc {
  kind: string;
  name?: string;
  doc: Obj;
}

const SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/;
const SEVERITIES: Record<string, 'page' | 'ticket'> = {
  page: 'page',
  critical: 'page',
  ticket: 'ticket',
  warning: 'ticket',
};

/**
 * OpenSLO v1 (`apiVersion: openslo/v1`) SLOs with a ratioMetric SLI (good/total or
 * bad/total), a rolling timeWindow, Occurrences budgeting and burn-rate AlertPolicies,
 * converted to what Sloth would generate. SLIs, AlertPolicies and AlertConditions may
 * be inline or referenced by name from other documents of the same file.
 */
export function parseOpenSloDocs(
  docs: OpenSloDoc[],
  p: SpecProblems,
): SloDefinition[] {
  const byKind = (kind: string) =>
    new Map(
      docs.filter(d => d.kind === kind && d.name).map(d => [d.name!, d.doc]),
    );
  const refs = {
    SLI: byKind('SLI'),
    AlertPolicy: byKind('AlertPolicy'),
    AlertCondition: byKind('AlertCondition'),
  };
  const out: SloDefinition[] = [];
  for (const d of docs.filter(x => x.kind === 'SLO')) {
    const slo = parseSlo(d.doc, refs, p);
    if (slo) out.push(slo);
  }
  if (out.length === 0 && !docs.some(x => x.kind === 'SLO')) {
    p.add(undefined, 'kind', 'the file has OpenSLO documents but no kind: SLO');
  }
  return out;
}

type Refs = Record<'SLI' | 'AlertPolicy' | 'AlertCondition', Map<string, Obj>>;

function parseSlo(
  doc: Obj,
  refs: Refs,
  p: SpecProblems,
): SloDefinition | undefined {
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const label =
    typeof meta.name === 'string' && meta.name ? meta.name : undefined;
  const before = p.list.length;
  const name = readName(p, label, 'metadata.name', meta.name);
  if (!isObject(doc.spec)) {
    p.add(label, 'spec', 'is missing');
    return undefined;
  }
  const spec = doc.spec;
  checkKnownFields(p, label, 'spec', spec, [
    'description',
    'service',
    'indicator',
    'indicatorRef',
    'timeWindow',
    'budgetingMethod',
    'objectives',
    'alertPolicies',
  ]);
  const service = readName(p, label, 'spec.service', spec.service);
  const periodMs = readTimeWindow(p, label, spec.timeWindow);
  if (spec.budgetingMethod !== 'Occurrences') {
    p.add(
      label,
      'spec.budgetingMethod',
      spec.budgetingMethod === 'Timeslices' ||
        spec.budgetingMethod === 'RatioTimeslices'
        ? `${spec.budgetingMethod} is not supported; Gantry budgets Occurrences (good events / total events)`
        : `must be Occurrences, got ${describe(spec.budgetingMethod)}`,
    );
  }
  const objective = readObjective(p, label, spec.objectives);
  const sli = readIndicator(p, label, spec, refs);
  const alerting = readAlertPolicies(p, label, spec.alertPolicies, refs);
  if (
    p.list.length > before ||
    !name ||
    !service ||
    !periodMs ||
    objective === undefined ||
    !sli ||
    !alerting
  ) {
    return undefined;
  }
  return {
    id: `${service}-${name}`,
    service,
    name,
    description:
      typeof spec.description === 'string' ? spec.description : undefined,
    objective,
    periodMs,
    labels: readStringMap(p, label, 'metadata.labels', meta.labels),
    sli,
    alerting,
    format: 'openslo/v1',
    file: p.file,
  };
}

function readTimeWindow(
  p: SpecProblems,
  slo: string | undefined,
  v: unknown,
): number | undefined {
  const at = 'spec.timeWindow';
  if (!Array.isArray(v) || v.length !== 1 || !isObject(v[0])) {
    p.add(
      slo,
      at,
      `must be a list with exactly one window, e.g. [{duration: 30d, isRolling: true}], got ${describe(
        v,
      )}`,
    );
    return undefined;
  }
  const w = v[0];
  if (w.calendar !== undefined || w.isRolling !== true) {
    p.add(
      slo,
      `${at}[0].isRolling`,
      'only rolling windows are supported; set isRolling: true and remove calendar',
    );
    return undefined;
  }
  const text = typeof w.duration === 'string' ? w.duration : '';
  const ms = /^\d+[mhdw]$/.test(text) ? parseDuration(text) : undefined;
  if (!ms) {
    p.add(
      slo,
      `${at}[0].duration`,
      `unknown window ${describe(
        w.duration,
      )}; use a whole number of minutes, hours, days or weeks such as 28d, 30d or 4w`,
    );
    return undefined;
  }
  if (ms < LONGEST_WINDOW_MS * 2) {
    p.add(
      slo,
      `${at}[0].duration`,
      `${text} is too short: the ticket alert looks back 3d, so the period must be at least 6d`,
    );
    return undefined;
  }
  return ms;
}

function readObjective(
  p: SpecProblems,
  slo: string | undefined,
  v: unknown,
): number | undefined {
  const at = 'spec.objectives';
  if (!Array.isArray(v) || v.length === 0) {
    p.add(
      slo,
      at,
      'is missing; give one objective with target (e.g. 0.999) or targetPercent (e.g. 99.9)',
    );
    return undefined;
  }
  if (v.length > 1) {
    p.add(
      slo,
      at,
      `has ${v.length} objectives; a ratio SLO in Gantry has exactly one (split it into several SLOs)`,
    );
    return undefined;
  }
  const o = v[0];
  if (!isObject(o)) {
    p.add(
      slo,
      `${at}[0]`,
      `must be a map with target or targetPercent, got ${describe(o)}`,
    );
    return undefined;
  }
  if (o.target !== undefined && o.targetPercent !== undefined) {
    p.add(slo, `${at}[0]`, 'has both target and targetPercent; keep one');
    return undefined;
  }
  return o.targetPercent !== undefined
    ? checkObjective(
        p,
        slo,
        `${at}[0].targetPercent`,
        o.targetPercent,
        'percent',
      )
    : checkObjective(p, slo, `${at}[0].target`, o.target, 'ratio');
}

function readIndicator(
  p: SpecProblems,
  slo: string | undefined,
  spec: Obj,
  refs: Refs,
): SliDefinition | undefined {
  let sli: unknown;
  let at: string;
  if (spec.indicator !== undefined && spec.indicatorRef !== undefined) {
    p.add(slo, 'spec.indicator', 'give indicator or indicatorRef, not both');
    return undefined;
  }
  if (typeof spec.indicatorRef === 'string') {
    sli = refs.SLI.get(spec.indicatorRef);
    at = `SLI "${spec.indicatorRef}" spec`;
    if (!sli) {
      p.add(
        slo,
        'spec.indicatorRef',
        `no kind: SLI named "${spec.indicatorRef}" in this file (known: ${
          [...refs.SLI.keys()].join(', ') || 'none'
        })`,
      );
      return undefined;
    }
  } else if (isObject(spec.indicator)) {
    sli = spec.indicator;
    at = 'spec.indicator.spec';
  } else {
    p.add(
      slo,
      'spec.indicator',
      'is missing; give an inline indicator or an indicatorRef',
    );
    return undefined;
  }
  const s = (sli as Obj).spec;
  if (!isObject(s)) {
    p.add(slo, at, 'is missing');
    return undefined;
  }
  if (s.thresholdMetric !== undefined) {
    p.add(
      slo,
      `${at}.thresholdMetric`,
      'threshold SLIs are not supported; use ratioMetric with good or bad and total',
    );
    return undefined;
  }
  const r = s.ratioMetric;
  if (!isObject(r)) {
    p.add(
      slo,
      `${at}.ratioMetric`,
      'is missing; give counter, good or bad, and total',
    );
    return undefined;
  }
  const rat = `${at}.ratioMetric`;
  checkKnownFields(p, slo, rat, r, [
    'counter',
    'good',
    'bad',
    'total',
    'rawType',
    'raw',
  ]);
  if (r.raw !== undefined) {
    p.add(
      slo,
      `${rat}.raw`,
      'raw ratios are not supported; give good or bad, and total',
    );
    return undefined;
  }
  if ((r.good === undefined) === (r.bad === undefined)) {
    p.add(slo, rat, 'needs exactly one of good or bad, next to total');
    return undefined;
  }
  const counter = r.counter === true;
  const total = readMetric(p, slo, `${rat}.total`, r.total, counter);
  if (r.bad !== undefined) {
    const bad = readMetric(p, slo, `${rat}.bad`, r.bad, counter);
    return bad && total
      ? { type: 'events', errorQuery: bad, totalQuery: total }
      : undefined;
  }
  const good = readMetric(p, slo, `${rat}.good`, r.good, counter);
  // Errors are what is not good, so both SLI forms yield Sloth's error/total events.
  return good && total
    ? {
        type: 'events',
        errorQuery: `(${total}) - (${good})`,
        totalQuery: total,
      }
    : undefined;
}

/**
 * A Prometheus metricSource query. Counter selectors (counter: true) become
 * sum(rate(<selector>[{{.window}}])); anything else must carry {{.window}} itself.
 */
function readMetric(
  p: SpecProblems,
  slo: string | undefined,
  at: string,
  v: unknown,
  counter: boolean,
): string | undefined {
  const source =
    isObject(v) && isObject(v.metricSource) ? v.metricSource : undefined;
  if (!source) {
    p.add(
      slo,
      `${at}.metricSource`,
      'is missing; give {type: Prometheus, spec: {query: ...}}',
    );
    return undefined;
  }
  if (source.type !== 'Prometheus') {
    p.add(
      slo,
      `${at}.metricSource.type`,
      `must be Prometheus, got ${describe(source.type)}`,
    );
    return undefined;
  }
  const query = isObject(source.spec) ? source.spec.query : undefined;
  if (counter && typeof query === 'string' && SELECTOR.test(query.trim())) {
    return `sum(rate(${query.trim()}[{{.window}}]))`;
  }
  return readQuery(p, slo, `${at}.metricSource.spec.query`, query);
}

function resolveRef(
  p: SpecProblems,
  slo: string | undefined,
  at: string,
  item: unknown,
  kind: 'AlertPolicy' | 'AlertCondition',
  refs: Refs,
  refKey: string,
): Obj | undefined {
  if (isObject(item) && typeof item[refKey] === 'string') {
    const found = refs[kind].get(item[refKey] as string);
    if (!found) {
      p.add(
        slo,
        `${at}.${refKey}`,
        `no kind: ${kind} named "${item[refKey]}" in this file`,
      );
    }
    return found;
  }
  if (isObject(item) && item.kind === kind) return item;
  p.add(
    slo,
    at,
    `must be an inline kind: ${kind} or {${refKey}: <name>}, got ${describe(
      item,
    )}`,
  );
  return undefined;
}

/**
 * Burn-rate AlertPolicies choose which of Sloth's alerts exist (page, ticket) and their
 * names, labels and annotations. The windows and factors stay those derived from the
 * period (SRE workbook), so a condition's threshold and lookbackWindow are validated but
 * do not change the generated expressions.
 */
function readAlertPolicies(
  p: SpecProblems,
  slo: string | undefined,
  v: unknown,
  refs: Refs,
): SloDefinition['alerting'] | undefined {
  const off = (): AlertMeta => ({
    disable: true,
    name: '',
    labels: {},
    annotations: {},
  });
  const alerting = { page: off(), ticket: off() };
  if (v === undefined || v === null) return alerting;
  if (!Array.isArray(v)) {
    p.add(slo, 'spec.alertPolicies', `must be a list, got ${describe(v)}`);
    return undefined;
  }
  v.forEach((item, i) => {
    const at = `spec.alertPolicies[${i}]`;
    const policy = resolveRef(
      p,
      slo,
      at,
      item,
      'AlertPolicy',
      refs,
      'alertPolicyRef',
    );
    if (!policy) return;
    const meta = isObject(policy.metadata) ? policy.metadata : {};
    const spec = isObject(policy.spec) ? policy.spec : {};
    const conditions = Array.isArray(spec.conditions) ? spec.conditions : [];
    if (conditions.length !== 1) {
      p.add(
        slo,
        `${at}.spec.conditions`,
        `an AlertPolicy has exactly one condition, got ${conditions.length}`,
      );
      return;
    }
    const cond = resolveRef(
      p,
      slo,
      `${at}.spec.conditions[0]`,
      conditions[0],
      'AlertCondition',
      refs,
      'conditionRef',
    );
    if (!cond) return;
    const cat = `${at}.spec.conditions[0].spec`;
    const cspec = isObject(cond.spec) ? cond.spec : {};
    const severityName =
      typeof cspec.severity === 'string' ? cspec.severity.toLowerCase() : '';
    const severity = Object.hasOwn(SEVERITIES, severityName)
      ? SEVERITIES[severityName]
      : undefined;
    if (!severity) {
      p.add(
        slo,
        `${cat}.severity`,
        `must be page or ticket (or critical / warning), got ${describe(
          cspec.severity,
        )}`,
      );
      return;
    }
    const c = isObject(cspec.condition) ? cspec.condition : {};
    if (c.kind !== 'burnrate') {
      p.add(
        slo,
        `${cat}.condition.kind`,
        `must be burnrate, got ${describe(c.kind)}`,
      );
      return;
    }
    if (typeof c.threshold !== 'number' || c.threshold <= 0) {
      p.add(
        slo,
        `${cat}.condition.threshold`,
        `must be a burn rate above 0, e.g. 14.4; got ${describe(c.threshold)}`,
      );
    }
    if (
      typeof c.lookbackWindow !== 'string' ||
      !parseDuration(c.lookbackWindow)
    ) {
      p.add(
        slo,
        `${cat}.condition.lookbackWindow`,
        `unknown window ${describe(
          c.lookbackWindow,
        )}; use a duration such as 1h`,
      );
    }
    const policyName = readName(p, slo, `${at}.metadata.name`, meta.name);
    if (!policyName) return;
    if (!alerting[severity].disable) {
      p.add(
        slo,
        at,
        `a second ${severity} AlertPolicy; give at most one per severity`,
      );
      return;
    }
    alerting[severity] = {
      disable: false,
      name: policyName,
      labels: readStringMap(p, slo, `${at}.metadata.labels`, meta.labels),
      annotations: readStringMap(
        p,
        slo,
        `${at}.metadata.annotations`,
        meta.annotations,
        { annotations: true },
      ),
    };
  });
  return alerting;
}
