import type { FlagdFlag, FlagSummary } from '@gantry/plugin-gantry-common';
import { valueTypeOf } from './validateFlagSet';

function fractionalEntries(args: unknown): Array<[string, number]> | undefined {
  if (!Array.isArray(args)) return undefined;
  const entries = Array.isArray(args[0]) ? args : args.slice(1);
  if (!entries.every(e => Array.isArray(e) && typeof e[0] === 'string'))
    return undefined;
  return entries.map(e => [
    e[0] as string,
    typeof e[1] === 'number' ? e[1] : 1,
  ]);
}

function segmentsOf(logic: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(logic)) logic.forEach(l => segmentsOf(l, out));
  else if (logic && typeof logic === 'object') {
    for (const [k, v] of Object.entries(logic)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else segmentsOf(v, out);
    }
  }
  return out;
}

function shares(fractional: unknown): Record<string, number> | undefined {
  const entries = fractionalEntries(fractional);
  if (!entries) return undefined;
  const total = entries.reduce((a, [, w]) => a + Math.max(0, w), 0);
  if (total <= 0) return undefined;
  const out: Record<string, number> = {};
  for (const [v, w] of entries)
    out[v] = Math.round((Math.max(0, w) / total) * 1e6) / 1e4;
  return out;
}

const isTimestampStep = (cond: unknown) => {
  const ge = (cond as { '>='?: unknown[] } | undefined)?.['>='];
  return (
    Array.isArray(ge) &&
    (ge[0] as { var?: string })?.var === '$flagd.timestamp' &&
    typeof ge[1] === 'number'
  );
};

/**
 * A scheduled ramp as built by rampTargeting: an `if` chain of `$flagd.timestamp >= t`
 * steps (latest first), each a fractional split, ending in the split before the ramp.
 */
export function rampOf(
  flag: FlagdFlag,
  nowSec: number,
):
  | {
      current: Record<string, number>;
      next?: { at: string; split: Record<string, number> };
    }
  | undefined {
  const args = (flag.targeting as { if?: unknown[] } | undefined)?.if;
  if (!Array.isArray(args) || args.length < 3 || args.length % 2 === 0)
    return undefined;
  const steps: Array<{ t: number; split: Record<string, number> }> = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    const split = shares((args[i + 1] as { fractional?: unknown })?.fractional);
    if (!isTimestampStep(args[i]) || !split) return undefined;
    steps.push({ t: (args[i] as { '>=': [unknown, number] })['>='][1], split });
  }
  const initial = shares(
    (args[args.length - 1] as { fractional?: unknown })?.fractional,
  );
  if (!initial) return undefined;
  steps.sort((a, b) => a.t - b.t);
  const reached = steps.filter(s => s.t <= nowSec);
  const upcoming = steps.find(s => s.t > nowSec);
  return {
    current: reached.length ? reached[reached.length - 1].split : initial,
    ...(upcoming
      ? {
          next: {
            at: new Date(upcoming.t * 1000).toISOString(),
            split: upcoming.split,
          },
        }
      : {}),
  };
}

/** Share per variant of the split in force now: a top-level fractional or a ramp's step. */
export function rolloutOf(
  flag: FlagdFlag,
  nowSec = Math.floor(Date.now() / 1000),
): Record<string, number> | undefined {
  return (
    shares(
      (flag.targeting as Record<string, unknown> | undefined)?.fractional,
    ) ?? rampOf(flag, nowSec)?.current
  );
}

const describeSplit = (split: Record<string, number>) =>
  Object.entries(split)
    .map(([v, p]) => `${v} ${p}%`)
    .join(', ');

export function summarize(flag: FlagdFlag): FlagSummary {
  const first = Object.values(flag.variants)[0];
  const valueType = valueTypeOf(first) ?? 'object';
  const segments = [...segmentsOf(flag.targeting, new Set())];
  const rollout = rolloutOf(flag);
  const ramp = rampOf(flag, Math.floor(Date.now() / 1000));
  let targeting: string;
  if (flag.state === 'DISABLED') targeting = 'disabled: application default';
  else if (!flag.targeting || Object.keys(flag.targeting).length === 0)
    targeting = `static: ${flag.defaultVariant ?? 'application default'}`;
  else if (ramp)
    targeting = `ramp: ${describeSplit(ramp.current)} now${
      ramp.next
        ? `; ${describeSplit(ramp.next.split)} from ${ramp.next.at}`
        : ''
    }`;
  else if (rollout) targeting = `rollout: ${describeSplit(rollout)}`;
  else
    targeting = `rules${
      segments.length ? ` (segments ${segments.join(', ')})` : ''
    }`;
  return { valueType, segments, targeting, ...(rollout ? { rollout } : {}) };
}

/** True when every user gets the same variant: no targeting, or one variant holds 100 %. */
export function isFullyRolledOut(flag: FlagdFlag): boolean {
  if (flag.state === 'DISABLED') return false;
  if (!flag.targeting || Object.keys(flag.targeting).length === 0) return true;
  const r = rolloutOf(flag);
  return !!r && Object.values(r).some(p => p === 100);
}
