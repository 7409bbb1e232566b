/**
 * Builders for flagd targeting that splits users by percentage, shared by the backend
 * (summaries, validation) and the flag editor.
 */

/** Weights are in 1/100 of a percent, so 0.01 % is the finest step. */
export const ROLLOUT_TOTAL = 10_000;

export type Fractional = { fractional: Array<[string, number]> };

/**
 * flagd `fractional` for a percentage split. The order of entries and the total are
 * fixed, so raising the first variant's share only moves users into it: a user who had
 * the feature keeps it (bucket < weight stays true when the weight grows).
 */
export function percentageRollout(
  split: Array<{ variant: string; percent: number }>,
): Fractional {
  const weights = split.map(s => Math.round(s.percent * 100));
  const bad = split.find(
    (s, i) => s.percent < 0 || Math.abs(weights[i] - s.percent * 100) > 1e-6,
  );
  if (bad) {
    throw new Error(
      `Rollout percentage ${bad.percent} for '${bad.variant}' must be 0 or more in steps of 0.01`,
    );
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum !== ROLLOUT_TOTAL) {
    throw new Error(
      `Rollout percentages sum to ${
        sum / 100
      } %, not 100 %; adjust them so they add up`,
    );
  }
  return { fractional: split.map((s, i) => [s.variant, weights[i]]) };
}

/** `variant` gets `percent`, `rest` gets the remainder. */
export function rolloutTo(
  variant: string,
  rest: string,
  percent: number,
): Fractional {
  return percentageRollout([
    { variant, percent },
    { variant: rest, percent: Math.round((100 - percent) * 100) / 100 },
  ]);
}

export interface RampStep {
  /** ISO-8601 time the step starts. */
  at: string;
  percent: number;
}

/**
 * A scheduled ramp (e.g. 1 -> 5 -> 25 -> 50 -> 100 %) as plain flagd targeting: each
 * step compares `$flagd.timestamp` with its start, so flagd instances fed by the sync
 * source ramp on their own. Steps must rise in time and never fall in percent, which
 * with the fixed fractional order keeps the ramp monotone for every user.
 */
export function rampTargeting(
  variant: string,
  rest: string,
  steps: RampStep[],
  before = 0,
): Record<string, unknown> {
  if (steps.length === 0) throw new Error('A ramp needs at least one step');
  let previous = { t: -Infinity, percent: before };
  const parsed = steps.map(s => {
    const t = Math.floor(Date.parse(s.at) / 1000);
    if (!Number.isFinite(t))
      throw new Error(`Ramp step time '${s.at}' is not an ISO-8601 time`);
    if (t <= previous.t)
      throw new Error(
        `Ramp step at ${s.at} must come after the step before it`,
      );
    if (s.percent < previous.percent || s.percent > 100)
      throw new Error(
        `Ramp step at ${s.at} goes to ${s.percent} % after ${previous.percent} %; a ramp only rises, up to 100 %`,
      );
    previous = { t, percent: s.percent };
    return { t, split: rolloutTo(variant, rest, s.percent) };
  });
  const branches = parsed
    .reverse()
    .flatMap(p => [{ '>=': [{ var: '$flagd.timestamp' }, p.t] }, p.split]);
  return { if: [...branches, rolloutTo(variant, rest, before)] };
}
