import type {
  FeatureFlag,
  FlagPrerequisite,
  FlagdFlag,
} from '@gantry/plugin-gantry-common';
import type { FlagProblem } from './validateFlagSet';

/** A flag as the flag set builder sees it: its authored definition and what it depends on. */
export interface FlagWithPrerequisites {
  key: string;
  definition: FlagdFlag;
  prerequisites?: FlagPrerequisite[];
  /** What the flag serves while a prerequisite is not met. */
  safeVariant?: string;
  /** A killed flag serves its safe variant whatever its prerequisites say. */
  killed?: boolean;
}

/** What the builder needs of a stored flag. */
export function buildableFlag(f: FeatureFlag): FlagWithPrerequisites {
  return {
    key: f.key,
    definition: f.definition,
    prerequisites: f.prerequisites,
    safeVariant: f.safeVariant,
    killed: Boolean(f.killedAt),
  };
}

/** Each level is inlined into the served targeting, so chains are kept short. */
const MAX_PREREQUISITE_DEPTH = 5;

/** How a null or undefined targeting result reads after JsonLogic `cat`, interpreted or compiled. */
const NULL_TEXTS = ['', 'null', 'undefined'];

type Logic = unknown;

/** Missing flags, unknown variants, self references, cycles and chains deeper than the limit. */
export function prerequisiteProblems(
  flags: FlagWithPrerequisites[],
): FlagProblem[] {
  const problems: FlagProblem[] = [];
  const byKey = new Map(flags.map(f => [f.key, f]));
  for (const f of flags) {
    const seen = new Set<string>();
    (f.prerequisites ?? []).forEach((p, i) => {
      const at = `flags.${f.key}.prerequisites.${i}`;
      if (p.flag === f.key) {
        problems.push({
          path: `${at}.flag`,
          message: `a flag cannot be its own prerequisite; name another flag of this environment`,
        });
        return;
      }
      if (seen.has(p.flag)) {
        problems.push({
          path: `${at}.flag`,
          message: `'${p.flag}' is listed twice; list each prerequisite once with every variant that lets '${f.key}' through`,
        });
        return;
      }
      seen.add(p.flag);
      const pre = byKey.get(p.flag);
      if (!pre) {
        const others = flags.map(o => o.key).filter(k => k !== f.key);
        problems.push({
          path: `${at}.flag`,
          message: `prerequisite '${p.flag}' is not a flag of this environment${
            others.length ? ` (flags: ${others.join(', ')})` : ''
          }; create it first or remove the prerequisite`,
        });
        return;
      }
      if (!p.variants.length) {
        problems.push({
          path: `${at}.variants`,
          message: `name at least one variant of '${p.flag}' that lets '${f.key}' through`,
        });
      }
      const variants = Object.keys(pre.definition.variants ?? {});
      for (const v of p.variants) {
        if (!variants.includes(v)) {
          problems.push({
            path: `${at}.variants`,
            message: `'${v}' is not a variant of '${
              p.flag
            }' (variants: ${variants.join(', ')})`,
          });
        }
      }
    });
  }
  return [...problems, ...graphProblems(flags, byKey)];
}

function graphProblems(
  flags: FlagWithPrerequisites[],
  byKey: Map<string, FlagWithPrerequisites>,
): FlagProblem[] {
  const problems: FlagProblem[] = [];
  const reported = new Set<string>();
  const longest = new Map<string, string[]>();
  /** Longest chain below `key`, or a cycle through the current path. */
  const walk = (key: string, path: string[]): string[] => {
    const known = longest.get(key);
    if (known) return known;
    let best = [key];
    for (const p of byKey.get(key)?.prerequisites ?? []) {
      if (!byKey.has(p.flag) || p.flag === key) continue;
      const at = path.indexOf(p.flag);
      if (at >= 0) {
        const cycle = [...path.slice(at), p.flag];
        const id = [...new Set(cycle)].sort().join(' ');
        if (!reported.has(id)) {
          reported.add(id);
          problems.push({
            path: `flags.${key}.prerequisites`,
            message: `prerequisites form a cycle (${cycle.join(
              ' → ',
            )}), so none of these flags could ever be served; remove one of the links`,
          });
        }
        continue;
      }
      const below = walk(p.flag, [...path, p.flag]);
      if (below.length + 1 > best.length) best = [key, ...below];
    }
    longest.set(key, best);
    return best;
  };
  const isPrerequisite = new Set(
    flags.flatMap(f => (f.prerequisites ?? []).map(p => p.flag)),
  );
  for (const f of flags) {
    const chain = walk(f.key, [f.key]);
    // Reported once, at the flag the chain starts from.
    if (
      chain.length - 1 > MAX_PREREQUISITE_DEPTH &&
      !isPrerequisite.has(f.key)
    ) {
      problems.push({
        path: `flags.${f.key}.prerequisites`,
        message: `the prerequisite chain ${chain.join(' → ')} is ${
          chain.length - 1
        } levels deep; at most ${MAX_PREREQUISITE_DEPTH} are allowed, because each level is inlined into the served targeting`,
      });
    }
  }
  return problems;
}

/**
 * Rewrites a prerequisite's targeting so it evaluates exactly as it does for the
 * prerequisite itself when run inside another flag: flagd buckets `fractional` by
 * `$flagd.flagKey + targetingKey` of the flag being evaluated, so bucketless splits get
 * the prerequisite's key as an explicit bucketing value, `$flagd.flagKey` becomes the
 * prerequisite's key, and segments are inlined for the same reason.
 */
function inlineFor(
  key: string,
  logic: Logic,
  segments: Record<string, Logic>,
): Logic {
  if (Array.isArray(logic)) return logic.map(l => inlineFor(key, l, segments));
  if (!logic || typeof logic !== 'object') return logic;
  const [op, args] = Object.entries(logic as Record<string, unknown>)[0] ?? [];
  if (op === undefined) return logic;
  if (op === '$ref' && typeof args === 'string' && args in segments) {
    return inlineFor(key, segments[args], segments);
  }
  if (op === 'var') {
    const name = Array.isArray(args) ? args[0] : args;
    if (name === '$flagd.flagKey') return key;
  }
  if (op === 'fractional' && Array.isArray(args) && Array.isArray(args[0])) {
    const targetingKey = { var: 'targetingKey' };
    return {
      if: [
        targetingKey,
        {
          fractional: [
            { cat: [key, targetingKey] },
            ...args.map(a => inlineFor(key, a, segments)),
          ],
        },
        null,
      ],
    };
  }
  return { [op]: inlineFor(key, args, segments) };
}

/**
 * JsonLogic that is true when `key` (already compiled) serves one of `allowed` for the
 * evaluated context; a constant when the answer does not depend on the context.
 */
function conditionFor(
  key: string,
  definition: FlagdFlag,
  allowed: string[],
  segments: Record<string, Logic>,
): Logic | boolean {
  if (definition.state !== 'ENABLED') return false;
  const defaultMet =
    typeof definition.defaultVariant === 'string' &&
    allowed.includes(definition.defaultVariant);
  if (!definition.targeting) return defaultMet;
  const result = inlineFor(key, definition.targeting, segments);
  // flagd turns the targeting result into a variant with toString(), and null into the
  // default variant; `cat` does the first in one evaluation (two arguments, because the
  // interpreter unwraps a single one and cannot stringify null). Variants named like a
  // rendered null need the explicit (twice evaluated) form.
  if (Object.keys(definition.variants).some(v => NULL_TEXTS.includes(v))) {
    return {
      in: [
        {
          if: [
            { '==': [result, null] },
            definition.defaultVariant ?? '',
            { cat: ['', result] },
          ],
        },
        allowed,
      ],
    };
  }
  return {
    in: [
      { cat: ['', result] },
      defaultMet ? [...allowed, ...NULL_TEXTS] : allowed,
    ],
  };
}

/**
 * The definitions flagd serves: a flag with prerequisites gets targeting
 * `if (every prerequisite serves an allowed variant) then <its own targeting> else <safe variant>`,
 * with each prerequisite's (compiled) targeting inlined. Because this is rebuilt from the
 * stored flags every time the set is built, a change to a prerequisite reaches its
 * dependents in the same revision. Expects `prerequisiteProblems` to be empty; a
 * prerequisite that is missing anyway counts as not met.
 */
export function applyPrerequisites(
  flags: FlagWithPrerequisites[],
  segments: Record<string, Logic>,
): Map<string, FlagdFlag> {
  const byKey = new Map(flags.map(f => [f.key, f]));
  const served = new Map<string, FlagdFlag>();
  const inProgress = new Set<string>();
  const serve = (key: string): FlagdFlag | undefined => {
    const done = served.get(key);
    if (done) return done;
    const f = byKey.get(key);
    if (!f || inProgress.has(key)) return undefined;
    if (
      !f.prerequisites?.length ||
      f.killed ||
      f.definition.state !== 'ENABLED'
    ) {
      served.set(key, f.definition);
      return f.definition;
    }
    inProgress.add(key);
    const conditions = f.prerequisites.map(p => {
      const pre = serve(p.flag);
      return pre ? conditionFor(p.flag, pre, p.variants, segments) : false;
    });
    inProgress.delete(key);
    const open = conditions.filter(c => c !== true);
    let definition = f.definition;
    if (open.length) {
      const safe = f.safeVariant ?? null;
      let condition: Logic = { and: open };
      if (open.includes(false)) condition = false;
      else if (open.length === 1) condition = open[0];
      definition = {
        ...f.definition,
        targeting: { if: [condition, f.definition.targeting ?? null, safe] },
      };
    }
    served.set(key, definition);
    return definition;
  };
  for (const f of flags) serve(f.key);
  return served;
}
