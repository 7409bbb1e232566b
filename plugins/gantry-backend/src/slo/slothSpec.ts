import { DEFAULT_PERIOD_MS, type AlertMeta, type SloDefinition } from './model';
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

/**
 * Sloth's `version: prometheus/v1` spec (slok/sloth pkg/prometheus/api/v1): a service
 * with SLOs, each with events or raw SLI, objective in percent and page/ticket alerts.
 * Sloth has no period in the spec (it is a CLI flag); Gantry uses 30 days.
 */
export function parseSlothSpec(doc: Obj, p: SpecProblems): SloDefinition[] {
  checkKnownFields(p, undefined, '', doc, [
    'version',
    'service',
    'labels',
    'slos',
  ]);
  const service = readName(p, undefined, 'service', doc.service);
  const specLabels = readStringMap(p, undefined, 'labels', doc.labels);
  if (!Array.isArray(doc.slos) || doc.slos.length === 0) {
    p.add(
      undefined,
      'slos',
      `must list at least one SLO, got ${describe(doc.slos)}`,
    );
    return [];
  }
  const seen = new Set<string>();
  const out: SloDefinition[] = [];
  doc.slos.forEach((raw: unknown, i: number) => {
    const at = `slos[${i}]`;
    if (!isObject(raw)) {
      p.add(
        undefined,
        at,
        `must be a map with name, objective and sli, got ${describe(raw)}`,
      );
      return;
    }
    const label =
      typeof raw.name === 'string' && raw.name ? raw.name : `#${i + 1}`;
    const before = p.list.length;
    checkKnownFields(p, label, at, raw, [
      'name',
      'objective',
      'description',
      'labels',
      'sli',
      'alerting',
    ]);
    const name = readName(p, label, `${at}.name`, raw.name);
    if (name && seen.has(name)) {
      p.add(
        label,
        `${at}.name`,
        'is used by another SLO of this service; SLO names must be unique',
      );
    }
    if (name) seen.add(name);
    const objective = checkObjective(
      p,
      label,
      `${at}.objective`,
      raw.objective,
      'percent',
    );
    const labels = {
      ...specLabels,
      ...readStringMap(p, label, `${at}.labels`, raw.labels),
    };
    const sli = readSli(p, label, `${at}.sli`, raw.sli);
    const alerting = readAlerting(p, label, `${at}.alerting`, raw.alerting);
    if (
      p.list.length > before ||
      !service ||
      !name ||
      objective === undefined ||
      !sli ||
      !alerting
    )
      return;
    out.push({
      id: `${service}-${name}`,
      service,
      name,
      description:
        typeof raw.description === 'string' ? raw.description : undefined,
      objective,
      periodMs: DEFAULT_PERIOD_MS,
      labels,
      sli,
      alerting,
      format: 'prometheus/v1',
      file: p.file,
    });
  });
  return out;
}

function readSli(
  p: SpecProblems,
  slo: string,
  at: string,
  v: unknown,
): SloDefinition['sli'] | undefined {
  if (!isObject(v)) {
    p.add(
      slo,
      at,
      'is missing; give events (error_query, total_query) or raw (error_ratio_query)',
    );
    return undefined;
  }
  const kinds = Object.keys(v).filter(k => v[k] !== undefined && v[k] !== null);
  if (kinds.includes('plugin')) {
    p.add(
      slo,
      `${at}.plugin`,
      'SLI plugins are Sloth-specific and not supported; write the events or raw queries',
    );
    return undefined;
  }
  checkKnownFields(p, slo, at, v, ['events', 'raw']);
  if (kinds.length !== 1) {
    p.add(
      slo,
      at,
      `needs exactly one of events or raw, got ${
        kinds.length ? kinds.join(' and ') : 'neither'
      }`,
    );
    return undefined;
  }
  if (isObject(v.events)) {
    checkKnownFields(p, slo, `${at}.events`, v.events, [
      'error_query',
      'total_query',
    ]);
    const errorQuery = readQuery(
      p,
      slo,
      `${at}.events.error_query`,
      v.events.error_query,
    );
    const totalQuery = readQuery(
      p,
      slo,
      `${at}.events.total_query`,
      v.events.total_query,
    );
    return errorQuery && totalQuery
      ? { type: 'events', errorQuery, totalQuery }
      : undefined;
  }
  if (isObject(v.raw)) {
    checkKnownFields(p, slo, `${at}.raw`, v.raw, ['error_ratio_query']);
    const errorRatioQuery = readQuery(
      p,
      slo,
      `${at}.raw.error_ratio_query`,
      v.raw.error_ratio_query,
    );
    return errorRatioQuery ? { type: 'raw', errorRatioQuery } : undefined;
  }
  p.add(
    slo,
    `${at}.${kinds[0]}`,
    `must be a map of queries, got ${describe(v[kinds[0]])}`,
  );
  return undefined;
}

function readAlert(
  p: SpecProblems,
  slo: string,
  at: string,
  v: unknown,
  parent: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
  },
): AlertMeta {
  if (v !== undefined && v !== null && !isObject(v)) {
    p.add(
      slo,
      at,
      `must be a map (disable, labels, annotations), got ${describe(v)}`,
    );
    return { disable: true, name: '', labels: {}, annotations: {} };
  }
  const a = (v ?? {}) as Obj;
  checkKnownFields(p, slo, at, a, ['disable', 'labels', 'annotations']);
  if (a.disable !== undefined && typeof a.disable !== 'boolean') {
    p.add(
      slo,
      `${at}.disable`,
      `must be true or false, got ${describe(a.disable)}`,
    );
  }
  return {
    disable: a.disable === true,
    name: '',
    labels: {
      ...parent.labels,
      ...readStringMap(p, slo, `${at}.labels`, a.labels),
    },
    annotations: {
      ...parent.annotations,
      ...readStringMap(p, slo, `${at}.annotations`, a.annotations, {
        annotations: true,
      }),
    },
  };
}

function readAlerting(
  p: SpecProblems,
  slo: string,
  at: string,
  v: unknown,
): SloDefinition['alerting'] | undefined {
  if (v !== undefined && v !== null && !isObject(v)) {
    p.add(
      slo,
      at,
      `must be a map (name, labels, annotations, page_alert, ticket_alert), got ${describe(
        v,
      )}`,
    );
    return undefined;
  }
  const a = (v ?? {}) as Obj;
  checkKnownFields(p, slo, at, a, [
    'name',
    'labels',
    'annotations',
    'page_alert',
    'ticket_alert',
  ]);
  const parent = {
    labels: readStringMap(p, slo, `${at}.labels`, a.labels),
    annotations: readStringMap(p, slo, `${at}.annotations`, a.annotations, {
      annotations: true,
    }),
  };
  const page = readAlert(p, slo, `${at}.page_alert`, a.page_alert, parent);
  const ticket = readAlert(
    p,
    slo,
    `${at}.ticket_alert`,
    a.ticket_alert,
    parent,
  );
  const enabled = !page.disable || !ticket.disable;
  if (enabled && (typeof a.name !== 'string' || !a.name)) {
    p.add(
      slo,
      `${at}.name`,
      'is missing; name the alert (e.g. CheckoutHighErrorRate), or set disable: true on page_alert and ticket_alert',
    );
    return undefined;
  }
  for (const alert of [page, ticket]) {
    if (!alert.disable) alert.name = a.name as string;
  }
  return { page, ticket };
}
