import { FLAG_METADATA, type FlagdFlag } from '@gantry/plugin-gantry-common';
import { rampOf } from './rollout';

/**
 * The flag with its scheduled ramp stopped at the step in force at `nowSec`: the
 * targeting becomes that step's own `fractional` (same entries, order and weights, so
 * every targeting key keeps its variant), and the metadata records which SLO stopped it.
 * Undefined when the flag has no ramp still to climb.
 */
export function freezeRamp(
  flag: FlagdFlag,
  nowSec: number,
  stop: { slo: string; at: string },
): FlagdFlag | undefined {
  const ramp = rampOf(flag, nowSec);
  if (!ramp?.next) return undefined;
  // rampOf accepted the shape: [cond, split, cond, split, ..., split before the ramp].
  const args = (flag.targeting as { if: unknown[] }).if;
  let inForce = { t: -Infinity, split: args[args.length - 1] };
  for (let i = 0; i + 1 < args.length; i += 2) {
    const t = (args[i] as { '>=': [unknown, number] })['>='][1];
    if (t <= nowSec && t > inForce.t) inForce = { t, split: args[i + 1] };
  }
  return {
    ...flag,
    targeting: inForce.split as Record<string, unknown>,
    metadata: {
      ...flag.metadata,
      [FLAG_METADATA.rampStoppedBySlo]: stop.slo,
      [FLAG_METADATA.rampStoppedAt]: stop.at,
    },
  };
}
