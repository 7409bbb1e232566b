import { MemoryStorage } from '@openfeature/flagd-core';
import type { FlagSetDocument } from './flagSet';

export interface FlagProblem {
  /** Where, as a dotted path: `flags.new-checkout.targeting.if.0`. */
  path: string;
  message: string;
}

/** JsonLogic operators of flagd's targeting schema (json-logic-js core + flagd's custom ones). */
const FLAGD_OPERATORS = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
  'fractional',
  'sem_ver',
  'starts_with',
  'ends_with',
]);

const SEM_VER_OPS = new Set(['=', '!=', '>', '<', '>=', '<=', '~', '^']);
/** flagd-core refuses a fractional total above int32 max. */
const MAX_FRACTIONAL_TOTAL = 2_147_483_647;

type ValueType = 'boolean' | 'string' | 'number' | 'object';

export function valueTypeOf(value: unknown): ValueType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (value && typeof value === 'object' && !Array.isArray(value))
    return 'object';
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function checkVariants(
  path: string,
  variants: unknown,
  problems: FlagProblem[],
): string[] {
  if (!isPlainObject(variants) || Object.keys(variants).length === 0) {
    problems.push({
      path: `${path}.variants`,
      message:
        'variants is missing or empty: give at least one named value, e.g. {"on": true, "off": false}',
    });
    return [];
  }
  const byType = new Map<ValueType, string[]>();
  for (const [name, value] of Object.entries(variants)) {
    const t = valueTypeOf(value);
    if (!t) {
      problems.push({
        path: `${path}.variants.${name}`,
        message: `variant '${name}' has value ${JSON.stringify(
          value,
        )}; variant values must be a boolean, string, number or object`,
      });
      continue;
    }
    byType.set(t, [...(byType.get(t) ?? []), name]);
  }
  if (byType.size > 1) {
    const parts = [...byType].map(([t, names]) => `${t} (${names.join(', ')})`);
    problems.push({
      path: `${path}.variants`,
      message: `variants mix types: ${parts.join(
        ' and ',
      )}; all variants of a flag must have one type`,
    });
  }
  return Object.keys(variants);
}

function checkFractional(
  path: string,
  args: unknown,
  ctx: LogicContext,
  problems: FlagProblem[],
) {
  if (!Array.isArray(args) || args.length === 0) {
    problems.push({
      path,
      message:
        'fractional needs a list of [variant, weight] entries, e.g. {"fractional": [["on", 5], ["off", 95]]}',
    });
    return;
  }
  // A first argument that is not an entry is the bucketing key (string or expression).
  const keyed = !Array.isArray(args[0]);
  if (keyed) checkLogic(`${path}.0`, args[0], ctx, problems);
  const entries = keyed ? args.slice(1) : args;
  let total = 0;
  let computed = false;
  entries.forEach((entry, i) => {
    const at = `${path}.${keyed ? i + 1 : i}`;
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) {
      problems.push({
        path: at,
        message: `fractional entries are [variant, weight] or [variant]; got ${JSON.stringify(
          entry,
        )}`,
      });
      return;
    }
    const [variant, weight = 1] = entry;
    if (
      typeof variant === 'string' &&
      ctx.variants &&
      !ctx.variants.includes(variant)
    ) {
      problems.push({
        path: `${at}.0`,
        message: `fractional names variant '${variant}', which is not one of the variants (${ctx.variants.join(
          ', ',
        )})`,
      });
    } else if (isPlainObject(variant)) {
      // flagd evaluates a variant expression per request; what it can return is checked below.
      checkLogic(`${at}.0`, variant, ctx, problems);
    }
    if (isPlainObject(weight)) {
      // A computed weight (flagd-schemas allow any JsonLogic here), e.g. a time-based ramp.
      computed = true;
      checkLogic(`${at}.1`, weight, ctx, problems);
      return;
    }
    if (typeof weight !== 'number' || !Number.isInteger(weight)) {
      problems.push({
        path: `${at}.1`,
        message: `fractional weight ${JSON.stringify(
          weight,
        )} must be an integer or a JsonLogic expression that computes one (use 1/100 % units, e.g. 500 of 10000 for 5 %)`,
      });
      return;
    }
    if (weight < 0) {
      problems.push({
        path: `${at}.1`,
        message: `fractional weight ${weight} is negative; weights must be 0 or more`,
      });
      return;
    }
    total += weight;
  });
  if (entries.length && total === 0 && !computed) {
    problems.push({
      path,
      message:
        'fractional weights sum to 0, so no variant can be chosen; give at least one variant a positive weight. (Gantry is stricter than flagd here: flagd would serve defaultVariant with reason DEFAULT to everyone.)',
    });
  }
  if (total > MAX_FRACTIONAL_TOTAL) {
    problems.push({
      path,
      message: `fractional weights sum to ${total}, more than flagd allows (${MAX_FRACTIONAL_TOTAL})`,
    });
  }
}

/** Walks JsonLogic: unknown operators, unknown segments, malformed flagd operators. */
interface LogicContext {
  variants?: string[];
  segments: Set<string>;
}

function checkLogic(
  path: string,
  logic: unknown,
  ctx: LogicContext,
  problems: FlagProblem[],
) {
  if (Array.isArray(logic)) {
    logic.forEach((item, i) => checkLogic(`${path}.${i}`, item, ctx, problems));
    return;
  }
  if (!isPlainObject(logic)) return;
  const keys = Object.keys(logic);
  if (keys.length === 0) return;
  if (keys.length > 1) {
    problems.push({
      path,
      message: `a JsonLogic rule has exactly one operator; found ${keys.join(
        ', ',
      )}`,
    });
    return;
  }
  const op = keys[0];
  const args = logic[op];
  if (op === '$ref') {
    if (typeof args !== 'string' || !ctx.segments.has(args)) {
      problems.push({
        path,
        message: `references segment ${JSON.stringify(
          args,
        )}, which does not exist in this environment${
          ctx.segments.size
            ? ` (segments: ${[...ctx.segments].join(', ')})`
            : ''
        }; create the segment first. (Gantry is stricter than flagd here: flagd would load the flag and answer PARSE_ERROR to every evaluation.)`,
      });
    }
    return;
  }
  if (!FLAGD_OPERATORS.has(op)) {
    problems.push({
      path,
      message: `unknown operator '${op}'; flagd supports ${[
        ...FLAGD_OPERATORS,
      ].join(', ')}`,
    });
    return;
  }
  if (op === 'fractional') {
    checkFractional(`${path}.fractional`, args, ctx, problems);
    return;
  }
  if (op === 'sem_ver') {
    const a = Array.isArray(args) ? args : [];
    if (a.length !== 3 || !SEM_VER_OPS.has(a[1] as string)) {
      problems.push({
        path: `${path}.sem_ver`,
        message: `sem_ver takes [value, operator, version] with operator one of ${[
          ...SEM_VER_OPS,
        ].join(' ')}; got ${JSON.stringify(args)}`,
      });
    }
  }
  checkLogic(`${path}.${op}`, args, ctx, problems);
}

/**
 * The variant names a targeting rule can return where they are written literally: a
 * string (or a number/boolean, which flagd turns into text) in a result position of
 * `if`/`?:` (also inside a computed fractional variant), or the rule itself. Computed results (`var`, `cat`, ...) are left to run time.
 */
function returnedLiterals(
  path: string,
  logic: unknown,
  out: Array<{ path: string; name: string }>,
) {
  if (typeof logic === 'string') out.push({ path, name: logic });
  else if (typeof logic === 'number' || typeof logic === 'boolean')
    out.push({ path, name: String(logic) });
  if (!isPlainObject(logic)) return;
  const keys = Object.keys(logic);
  if (keys.length !== 1) return;
  const op = keys[0];
  const args = logic[op];
  if ((op === 'if' || op === '?:') && Array.isArray(args)) {
    args.forEach((arg, i) => {
      const isResult = i % 2 === 1 || i === args.length - 1;
      if (isResult && args.length > 1)
        returnedLiterals(`${path}.${op}.${i}`, arg, out);
    });
  }
  if (op === 'fractional' && Array.isArray(args)) {
    // Literal entry names are checked by checkFractional; computed ones are walked here.
    args.forEach((entry, i) => {
      if (Array.isArray(entry) && isPlainObject(entry[0]))
        returnedLiterals(`${path}.${op}.${i}.0`, entry[0], out);
    });
  }
}

/** Refuses a rule that can return a variant the flag does not have (flagd: "Variant 'x' not found"). */
function checkReturnedVariants(
  path: string,
  targeting: unknown,
  variants: string[],
  problems: FlagProblem[],
) {
  const returned: Array<{ path: string; name: string }> = [];
  returnedLiterals(path, targeting, returned);
  for (const r of returned) {
    if (variants.includes(r.name)) continue;
    problems.push({
      path: r.path,
      message: `targeting can return '${
        r.name
      }', which is not one of the variants (${variants.join(
        ', ',
      )}); every user this rule matches would get an error ("Variant '${
        r.name
      }' not found"). Return one of the variants, or null to serve the default`,
    });
  }
}

function checkFlag(
  key: string,
  flag: unknown,
  segments: Set<string>,
  problems: FlagProblem[],
) {
  const path = `flags.${key}`;
  if (!isPlainObject(flag)) {
    problems.push({ path, message: 'a flag must be an object' });
    return;
  }
  if (flag.state !== 'ENABLED' && flag.state !== 'DISABLED') {
    problems.push({
      path: `${path}.state`,
      message: `state is ${JSON.stringify(
        flag.state,
      )}; it must be ENABLED or DISABLED`,
    });
  }
  const variants = checkVariants(path, flag.variants, problems);
  // flagd-schemas: defaultVariant may be left out or null; flagd then answers with reason
  // DEFAULT and no value, so the application uses its code default.
  if (
    flag.defaultVariant !== undefined &&
    flag.defaultVariant !== null &&
    (typeof flag.defaultVariant !== 'string' ||
      !variants.includes(flag.defaultVariant))
  ) {
    problems.push({
      path: `${path}.defaultVariant`,
      message: `defaultVariant ${JSON.stringify(
        flag.defaultVariant,
      )} is not one of the variants (${variants.join(
        ', ',
      )}); name one of them, or leave defaultVariant out (or null) to serve the application's code default`,
    });
  }
  if (flag.targeting !== undefined) {
    if (!isPlainObject(flag.targeting)) {
      problems.push({
        path: `${path}.targeting`,
        message: 'targeting must be a JsonLogic object (or be left out)',
      });
    } else {
      checkLogic(
        `${path}.targeting`,
        flag.targeting,
        { variants, segments },
        problems,
      );
      if (variants.length)
        checkReturnedVariants(
          `${path}.targeting`,
          flag.targeting,
          variants,
          problems,
        );
    }
  }
  if (flag.metadata !== undefined) {
    if (!isPlainObject(flag.metadata)) {
      problems.push({
        path: `${path}.metadata`,
        message: 'metadata must be an object',
      });
    } else {
      for (const [k, v] of Object.entries(flag.metadata)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) {
          problems.push({
            path: `${path}.metadata.${k}`,
            message: `metadata values must be a string, number or boolean; '${k}' is ${JSON.stringify(
              v,
            )}`,
          });
        }
      }
    }
  }
}

type AjvError = { instancePath: string; message?: string };

/**
 * flagd-core ships the flagd-schemas JSON Schema precompiled by ajv (the schema files
 * themselves are not in the package); MemoryStorage in strict mode runs it and then
 * compiles every targeting rule. This is the last word after our clearer checks.
 */
export function checkWithFlagdCore(doc: FlagSetDocument): FlagProblem[] {
  const quiet = {
    error: () => {},
    warn: () => {},
    info: () => {},
    debug: () => {},
  };
  const storage = new MemoryStorage(quiet);
  try {
    storage.setConfigurations(JSON.stringify(doc), true);
  } catch (e) {
    const text = String((e as Error).message ?? e);
    const json = text.slice(text.indexOf(':') + 1).trim();
    let errors: AjvError[] = [];
    try {
      errors = JSON.parse(json);
    } catch {
      return [
        { path: 'flags', message: `flagd rejects the flag set: ${text}` },
      ];
    }
    const seen = new Set<string>();
    return errors
      .map(err => ({
        path: err.instancePath.replace(/^\//, '').split('/').join('.'),
        message: `does not match the flagd schema: ${err.message}`,
      }))
      .filter(
        p => !seen.has(p.path + p.message) && seen.add(p.path + p.message),
      );
  }
  const problems: FlagProblem[] = [];
  for (const [key, flag] of storage.getFlags()) {
    const r = flag.evaluate({}, quiet);
    if (r.errorCode === 'PARSE_ERROR') {
      problems.push({
        path: `flags.${key}.targeting`,
        message: `flagd cannot compile this targeting: ${r.errorMessage}`,
      });
    }
  }
  return problems;
}

/** Every problem of a flag set, each with a path and what to change; empty when valid. */
export function validateFlagSet(doc: FlagSetDocument): FlagProblem[] {
  const problems: FlagProblem[] = [];
  const segments = new Set(Object.keys(doc.$evaluators ?? {}));
  for (const [name, rule] of Object.entries(doc.$evaluators ?? {})) {
    if (!isPlainObject(rule)) {
      problems.push({
        path: `$evaluators.${name}`,
        message: 'a segment rule must be a JsonLogic object',
      });
      continue;
    }
    checkLogic(`$evaluators.${name}`, rule, { segments: new Set() }, problems);
  }
  for (const [key, flag] of Object.entries(doc.flags ?? {})) {
    checkFlag(key, flag, segments, problems);
  }
  return problems.length ? problems : checkWithFlagdCore(doc);
}
