import type {
  ExperimentDecision,
  ExperimentVariantResult,
  FlagExperimentConfig,
  FlagExperimentResults,
} from '@gantry/plugin-gantry-common';
import {
  SRM_P_VALUE,
  requiredSampleSize,
  sampleRatioTest,
  twoProportionZTest,
  wilsonInterval,
} from './experimentStats';

interface VariantCounts {
  exposures: number;
  conversions: number;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/**
 * Judges an experiment from per-variant counts. Every non-control variant is compared
 * with control at alpha / (variants − 1) (Bonferroni), and the minimum sample size uses
 * that level too. A winner is declared only when the split is healthy (no sample-ratio
 * mismatch), every variant has the minimum sample, and either some treatments beat
 * control significantly (the best of them wins) or every treatment is significantly
 * worse (control wins).
 */
export function evaluateExperiment(input: {
  config: FlagExperimentConfig;
  /** Every variant of the flag, in the flag's order. */
  variants: string[];
  counts: Record<string, VariantCounts>;
  /** Percent per variant of the flag's fractional split, when it has one. */
  split?: Record<string, number>;
}): Omit<FlagExperimentResults, 'experiment' | 'unexposedConversions'> {
  const { config, variants, counts } = input;
  const comparisons = Math.max(1, variants.length - 1);
  const comparisonAlpha = config.alpha / comparisons;
  const control = counts[config.controlVariant] ?? {
    exposures: 0,
    conversions: 0,
  };
  const controlRate = control.exposures
    ? control.conversions / control.exposures
    : 0;
  const splitTotal = input.split
    ? variants.reduce((a, v) => a + (input.split![v] ?? 0), 0)
    : 0;

  const rows: ExperimentVariantResult[] = variants.map(variant => {
    const c = counts[variant] ?? { exposures: 0, conversions: 0 };
    const rate = c.exposures ? c.conversions / c.exposures : 0;
    const isControl = variant === config.controlVariant;
    const row: ExperimentVariantResult = {
      variant,
      isControl,
      exposures: c.exposures,
      conversions: c.conversions,
      rate,
      interval: wilsonInterval(c.conversions, c.exposures, 1 - config.alpha),
      ...(splitTotal > 0
        ? { expectedShare: (input.split![variant] ?? 0) / splitTotal }
        : {}),
    };
    if (!isControl) {
      const t = twoProportionZTest(
        control.conversions,
        control.exposures,
        c.conversions,
        c.exposures,
      );
      row.comparison = {
        difference: rate - controlRate,
        ...(controlRate > 0
          ? { relativeLift: (rate - controlRate) / controlRate }
          : {}),
        z: t.z,
        pValue: t.pValue,
        significant: t.pValue < comparisonAlpha,
      };
    }
    return row;
  });

  const total = rows.reduce((a, r) => a + r.exposures, 0);
  // Variants the split gives no traffic carry no information about the ratio.
  const weighted = rows.filter(r => (r.expectedShare ?? 0) > 0);
  let sampleRatio: FlagExperimentResults['sampleRatio'];
  let sampleRatioNote: string | undefined;
  if (splitTotal <= 0) {
    sampleRatioNote =
      'The flag has no fractional split, so exposures cannot be checked against a configured ratio.';
  } else if (weighted.length < 2) {
    sampleRatioNote = 'Only one variant gets traffic; nothing to compare.';
  } else if (total === 0) {
    sampleRatioNote = 'No exposures yet.';
  } else {
    const t = sampleRatioTest(
      weighted.map(r => r.exposures),
      weighted.map(r => r.expectedShare!),
    );
    sampleRatio = { ...t, mismatch: t.pValue < SRM_P_VALUE };
  }

  const baseline = config.baselineRate ?? controlRate;
  const requiredSize =
    config.baselineRate !== undefined || control.exposures > 0
      ? requiredSampleSize({
          baseline,
          mde: config.minimumDetectableEffect,
          alpha: comparisonAlpha,
          power: config.power,
        })
      : undefined;

  return {
    comparisonAlpha,
    variants: rows,
    ...(sampleRatio ? { sampleRatio } : {}),
    ...(sampleRatioNote ? { sampleRatioNote } : {}),
    ...(requiredSize !== undefined ? { requiredSampleSize: requiredSize } : {}),
    decision: decide(
      rows,
      config,
      sampleRatio,
      requiredSize,
      total,
      comparisonAlpha,
    ),
  };
}

function decide(
  rows: ExperimentVariantResult[],
  config: FlagExperimentConfig,
  sampleRatio: FlagExperimentResults['sampleRatio'],
  requiredSize: number | undefined,
  total: number,
  comparisonAlpha: number,
): ExperimentDecision {
  if (total === 0)
    return {
      status: 'no-data',
      message:
        'No exposures yet: applications send them to POST /api/gantry/flags/events.',
    };
  if (sampleRatio?.mismatch)
    return {
      status: 'sample-ratio-mismatch',
      message: `Exposures do not match the configured split (chi-square p = ${sampleRatio.pValue.toExponential(
        2,
      )} < ${SRM_P_VALUE}). Fix assignment or exposure logging before trusting any result.`,
    };
  const short = rows.filter(r => r.exposures < (requiredSize ?? Infinity));
  if (requiredSize === undefined || short.length)
    return {
      status: 'collecting',
      message:
        requiredSize === undefined
          ? `No exposures of the control variant '${config.controlVariant}' yet, so the sample size cannot be computed.`
          : `Each variant needs ${requiredSize} exposures to detect a ${pct(
              config.minimumDetectableEffect,
            )} change; ${short
              .map(r => `${r.variant} has ${r.exposures}`)
              .join(', ')}.`,
    };
  const treatments = rows.filter(r => !r.isControl);
  const better = treatments
    .filter(r => r.comparison!.significant && r.comparison!.difference > 0)
    .sort((a, b) => b.rate - a.rate);
  if (better.length)
    return {
      status: 'winner',
      winner: better[0].variant,
      message: `${better[0].variant} converts at ${pct(
        better[0].rate,
      )} against ${pct(
        rows.find(r => r.isControl)?.rate ?? 0,
      )} for control (p = ${better[0].comparison!.pValue.toPrecision(2)}).`,
    };
  if (
    treatments.length &&
    treatments.every(
      r => r.comparison!.significant && r.comparison!.difference < 0,
    )
  )
    return {
      status: 'winner',
      winner: config.controlVariant,
      message: `Every other variant converts significantly worse than control ${config.controlVariant}.`,
    };
  return {
    status: 'inconclusive',
    message: `No variant differs significantly from control at alpha ${Number(
      comparisonAlpha.toPrecision(3),
    )}.`,
  };
}
