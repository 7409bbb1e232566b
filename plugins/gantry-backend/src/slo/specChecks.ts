/**
 * Field-by-field validation of a spec document. Every problem is reported as
 * `<file>: SLO "<name>": <field>: <what is wrong and how to fix it>`.
 */
export class SpecProblems {
  readonly list: string[] = [];

  constructor(readonly file: string) {}

  add(slo: string | undefined, field: string, message: string) {
    this.list.push(
      `${this.file}: ${slo ? `SLO "${slo}": ` : ''}${field}: ${message}`,
    );
  }
}

export type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const WINDOW_VAR = /\{\{\s*\.window\s*\}\}/g;
/** Label names the generated rules set themselves. */
const RESERVED_LABELS = [
  'sloth_id',
  'sloth_service',
  'sloth_slo',
  'sloth_window',
  'sloth_severity',
];

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v}"`;
  return JSON.stringify(v);
}

/** Reports fields of `obj` not in `known` (typos such as "objetive"). */
export function checkKnownFields(
  p: SpecProblems,
  slo: string | undefined,
  path: string,
  obj: Obj,
  known: string[],
) {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      p.add(
        slo,
        path ? `${path}.${key}` : key,
        `unknown field; expected one of ${known.join(', ')}`,
      );
    }
  }
}

/** A string-to-string map of Prometheus labels (or annotations when `annotations`). */
export function readStringMap(
  p: SpecProblems,
  slo: string | undefined,
  path: string,
  v: unknown,
  opts: { annotations?: boolean } = {},
): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) {
    p.add(slo, path, `must be a map of names to strings, got ${describe(v)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (!opts.annotations && !LABEL_NAME.test(k)) {
      p.add(
        slo,
        `${path}.${k}`,
        'is not a valid Prometheus label name (letters, digits and _, not starting with a digit)',
      );
    } else if (!opts.annotations && RESERVED_LABELS.includes(k)) {
      p.add(slo, `${path}.${k}`, 'is set by the generated rules; remove it');
    } else if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      out[k] = String(value);
    } else {
      p.add(slo, `${path}.${k}`, `must be a string, got ${describe(value)}`);
    }
  }
  return out;
}

/**
 * A PromQL template: non-empty, with `{{.window}}` where the range goes and no other
 * template variable (Sloth renders with missingkey=error).
 */
export function readQuery(
  p: SpecProblems,
  slo: string | undefined,
  path: string,
  v: unknown,
): string | undefined {
  if (v === undefined || v === null || v === '') {
    p.add(
      slo,
      path,
      'is missing; give a PromQL query with {{.window}} as its range, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
    );
    return undefined;
  }
  if (typeof v !== 'string') {
    p.add(slo, path, `must be a PromQL string, got ${describe(v)}`);
    return undefined;
  }
  const others = templateTokens(v).tokens.filter(t => !t.match(WINDOW_VAR));
  if (others.length) {
    p.add(
      slo,
      path,
      `uses ${others.join(', ')}; the only template variable is {{.window}}`,
    );
    return undefined;
  }
  if (!v.match(WINDOW_VAR)) {
    p.add(
      slo,
      path,
      'has no {{.window}}; put it where the range goes, e.g. rate(x[{{.window}}]), so each burn-rate window gets its own query',
    );
    return undefined;
  }
  return v.trim();
}

/**
 * Every `{{…}}` token of a query (what /\{\{[^}]*\}\}/g matches) in one left-to-right
 * pass. The regex retried from every `{{` of an unclosed run, which made a 100 KB
 * `{{{{…` query take seconds on the event loop; here each character is read at most
 * twice. `charsRead` counts them so a test can hold the scan to linear work.
 */
export function templateTokens(text: string): {
  tokens: string[];
  charsRead: number;
} {
  const tokens: string[] = [];
  let charsRead = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    charsRead += (open === -1 ? text.length : open + 2) - i;
    if (open === -1) break;
    const close = text.indexOf('}', open + 2);
    charsRead += (close === -1 ? text.length : close + 1) - (open + 2);
    // No `}` after this `{{`: no later `{{` can close either.
    if (close === -1) break;
    if (text[close + 1] === '}') {
      charsRead += 1;
      tokens.push(text.slice(open, close + 2));
      i = close + 2;
    } else {
      // Every `{{` before `close` would stop at the same lone `}`.
      i = close + 1;
    }
  }
  return { tokens, charsRead };
}

/** Replaces {{.window}} with a Prometheus duration. */
export function renderQuery(query: string, window: string): string {
  return query.replace(WINDOW_VAR, window);
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function readName(
  p: SpecProblems,
  slo: string | undefined,
  path: string,
  v: unknown,
): string | undefined {
  if (typeof v !== 'string' || !v) {
    p.add(slo, path, `is missing; give a name such as requests-availability`);
    return undefined;
  }
  if (!NAME.test(v)) {
    p.add(
      slo,
      path,
      `"${v}" is not a valid name: use letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
    return undefined;
  }
  return v;
}

/** An objective in percent, strictly between 0 and 100. */
export function checkObjective(
  p: SpecProblems,
  slo: string | undefined,
  path: string,
  v: unknown,
  unit: 'percent' | 'ratio',
): number | undefined {
  const example = unit === 'percent' ? '99.9' : '0.999';
  const max = unit === 'percent' ? 100 : 1;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    p.add(
      slo,
      path,
      `must be a number between 0 and ${max} (exclusive), e.g. ${example}; got ${describe(
        v,
      )}`,
    );
    return undefined;
  }
  if (v <= 0 || v >= max) {
    p.add(
      slo,
      path,
      `${v} is outside (0, ${max}) (${max} would leave no error budget); use e.g. ${example}`,
    );
    return undefined;
  }
  // 0.999 * 100 is 99.9 in most cases; toPrecision keeps 0.57 * 100 from becoming 56.99999999999999.
  return unit === 'percent' ? v : Number((v * 100).toPrecision(12));
}
