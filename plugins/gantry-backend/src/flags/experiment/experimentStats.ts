import { normalQuantile, normalSurvival } from '../../kernel/stats/normal';
import { chiSquareSurvival } from './chiSquare';

/**
 * The statistics of a conversion experiment, per variant a binomial proportion
 * (converted targeting keys / exposed targeting keys). Pure functions; every formula
 * is checked against SciPy in experimentStats.test.ts (reference script in
 * ../../__fixtures__/experiment_reference.py).
 */

/**
 * Wilson score interval for x successes in n trials at `confidence` (e.g. 0.95).
 * Unlike the Wald interval it stays inside [0, 1] and is sensible at 0 and n.
 */
export function wilsonInterval(
  x: number,
  n: number,
  confidence: number,
): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half =
    (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Two-sided two-proportion z-test with the pooled standard error (the test
 * equivalent to Pearson's chi-square on the 2×2 table without continuity correction).
 * `z` is positive when the treatment (x2/n2) converts better than control (x1/n1).
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { z: number; pValue: number } {
  if (n1 === 0 || n2 === 0) return { z: 0, pValue: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

/**
 * Sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the observed
 * exposures against the configured split (`expectedShares` sum to 1). A tiny p-value
 * means assignment or exposure logging is broken and the comparison cannot be trusted.
 */
export function sampleRatioTest(
  observed: number[],
  expectedShares: number[],
): { chiSquare: number; degreesOfFreedom: number; pValue: number } {
  const total = observed.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  observed.forEach((o, i) => {
    const e = total * expectedShares[i];
    chiSquare += ((o - e) * (o - e)) / e;
  });
  const degreesOfFreedom = observed.length - 1;
  return {
    chiSquare,
    degreesOfFreedom,
    pValue: chiSquareSurvival(chiSquare, degreesOfFreedom),
  };
}

/**
 * Exposures each group needs so a two-sided test at `alpha` detects an absolute change
 * of `mde` from `baseline` with probability `power` (the normal-approximation formula
 * without continuity correction, Fleiss et al. 2003 §4.2):
 *
 *   n = (z₁₋α/₂·√(2·p̄(1−p̄)) + z₁₋β·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)²
 *
 * with p₁ = baseline, p₂ = baseline + mde (baseline − mde when that would pass 1) and
 * p̄ = (p₁ + p₂) / 2.
 */
export function requiredSampleSize(input: {
  baseline: number;
  mde: number;
  alpha: number;
  power: number;
}): number {
  const p1 = input.baseline;
  const p2 = p1 + input.mde <= 1 ? p1 + input.mde : p1 - input.mde;
  const pBar = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - input.alpha / 2);
  const zBeta = normalQuantile(input.power);
  const root =
    zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) +
    zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p2 - p1) * (p2 - p1)));
}

/** Sample-ratio mismatch is declared below this p-value (the usual, deliberately strict, bar). */
export const SRM_P_VALUE = 0.001;
