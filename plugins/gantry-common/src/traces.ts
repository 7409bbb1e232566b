import { ANNOTATIONS } from './annotations';

/** What a trace link needs of an entity: its name and annotations. */
export interface TracedEntity {
  metadata: { name: string; annotations?: Record<string, string> };
}

const PLACEHOLDER =
  /\{(service|start|end|startMs|endMs|startS|endS|startUs|endUs)\}/g;

/**
 * Why a tracing URL template (annotation gantry.dev/tracing-url) is unusable, or
 * undefined when it is fine: an http(s) URL once its placeholders are filled, naming
 * only known placeholders.
 */
export function traceTemplateProblem(template: string): string | undefined {
  const unknown = template
    .match(/\{[^}]*\}/g)
    ?.filter(p => !p.match(new RegExp(`^${PLACEHOLDER.source}$`)));
  if (unknown?.length)
    return `${
      ANNOTATIONS.tracingUrl
    } names unknown placeholder(s) ${unknown.join(
      ', ',
    )}; use {service}, {start}, {end} (ISO-8601), {startMs}, {endMs}, {startS}, {endS} or {startUs}, {endUs}`;
  let url: URL;
  try {
    url = new URL(template.replace(PLACEHOLDER, '0'));
  } catch {
    return `${ANNOTATIONS.tracingUrl} is not a URL: ${template}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `${ANNOTATIONS.tracingUrl} must be an http(s) URL, not ${url.protocol}`;
  return undefined;
}

/**
 * The link to the entity's traces between `start` and `end` (Jaeger, Tempo, Honeycomb:
 * whatever URL template the entity's gantry.dev/tracing-url annotation gives), or
 * undefined when the entity has no usable template. Values are URL-encoded.
 */
export function traceLink(
  entity: TracedEntity,
  window: { start: string | Date; end: string | Date },
): string | undefined {
  const template = entity.metadata.annotations?.[ANNOTATIONS.tracingUrl];
  if (!template || traceTemplateProblem(template)) return undefined;
  const start = new Date(window.start);
  const end = new Date(window.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    return undefined;
  const service =
    entity.metadata.annotations?.[ANNOTATIONS.tracingService] ||
    entity.metadata.name;
  const values: Record<string, string> = {
    service,
    start: start.toISOString(),
    end: end.toISOString(),
    startMs: String(start.getTime()),
    endMs: String(end.getTime()),
    startS: String(Math.floor(start.getTime() / 1000)),
    endS: String(Math.ceil(end.getTime() / 1000)),
    startUs: String(start.getTime() * 1000),
    endUs: String(end.getTime() * 1000),
  };
  return template.replace(PLACEHOLDER, (_, key: string) =>
    encodeURIComponent(values[key]),
  );
}

const MINUTE = 60_000;
const shift = (t: string, ms: number) =>
  new Date(new Date(t).getTime() + ms).toISOString();

/** A deployment's traces: from 5 minutes before it started to 15 after it ended (or now). */
export const deploymentTraceWindow = (
  d: { startedAt: string; finishedAt?: string },
  now: Date,
) => ({
  start: shift(d.startedAt, -5 * MINUTE),
  end: shift(d.finishedAt ?? now.toISOString(), 15 * MINUTE),
});

/** An incident's traces: from 15 minutes before the first alert to its resolution (or now). */
export const incidentTraceWindow = (
  i: { startedAt: string; resolvedAt?: string },
  now: Date,
) => ({
  start: shift(i.startedAt, -15 * MINUTE),
  end: i.resolvedAt ?? now.toISOString(),
});
