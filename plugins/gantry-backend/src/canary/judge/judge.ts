import type {
  CanaryGroupScore,
  CanaryMetricResult,
  CanaryVerdict,
} from '@gantry/plugin-gantry-common';
import {
  classifyMetric,
  failsCritically,
  type MetricInput,
} from './classifyMetric';
import type { JudgeConfig } from './config';

export interface JudgeResult {
  verdict: CanaryVerdict;
  score: number;
  reason: string;
  groups: CanaryGroupScore[];
  metrics: CanaryMetricResult[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Group weights in percent: configured ones as given, the rest share what remains. */
function weights(groups: string[], configured: Record<string, number>) {
  const given = groups.filter(g => configured[g] !== undefined);
  const rest = groups.filter(g => configured[g] === undefined);
  const givenSum = given.reduce((s, g) => s + configured[g], 0);
  const result = new Map<string, number>();
  if (!rest.length) {
    // Every group weighted: scale so a perfect canary scores 100.
    for (const g of given)
      result.set(
        g,
        givenSum ? (configured[g] * 100) / givenSum : 100 / given.length,
      );
    return result;
  }
  for (const g of given) result.set(g, configured[g]);
  const share = Math.max(0, 100 - givenSum) / rest.length;
  for (const g of rest) result.set(g, share);
  return result;
}

const list = (names: string[]) =>
  names.length <= 1
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/**
 * Judges a canary from its metrics' samples: Kayenta's NetflixACAJudge scoring (critical
 * metrics fail all; no data for half the metrics scores 0; otherwise the weighted sum
 * of each group's pass ratio), then Gantry's rules on top: any metric that could not be
 * read makes the verdict Error (Kayenta would ignore it and could pass), and a broken
 * absolute guard fails the canary whatever the score.
 */
export function judgeCanary(
  inputs: MetricInput[],
  config: JudgeConfig,
): JudgeResult {
  const metrics = inputs.map(i => classifyMetric(i, config));
  const active = metrics
    .map((m, i) => ({ m, config: inputs[i].config }))
    .filter(a => !a.config.muted);
  const { pass, marginal } = config.thresholds;

  const groupNames = [...new Set(active.map(a => a.m.group))];
  const weightOf = weights(groupNames, config.groupWeights);
  const groups: CanaryGroupScore[] = groupNames.map(name => {
    const inGroup = active.filter(a => a.m.group === name);
    const passed = inGroup.filter(a => a.m.classification === 'Pass').length;
    const judged = inGroup.filter(
      a =>
        a.m.classification === 'Pass' ||
        a.m.classification === 'High' ||
        a.m.classification === 'Low' ||
        (a.m.classification === 'NoData' && a.config.mustHaveData),
    ).length;
    return {
      name,
      score: judged ? round2((passed / judged) * 100) : 100,
      weight: round2(weightOf.get(name) ?? 0),
    };
  });
  const weighted = round2(
    groups.reduce(
      (s, g) => s + (g.score * (weightOf.get(g.name) ?? 0)) / 100,
      0,
    ),
  );
  const result = (verdict: CanaryVerdict, score: number, reason: string) => ({
    verdict,
    score,
    reason,
    groups,
    metrics,
  });

  if (!active.length) {
    return result(
      'Error',
      0,
      'No metric to judge: every metric is muted or none is configured.',
    );
  }
  const errors = active.filter(a => a.m.classification === 'Error');
  if (errors.length) {
    return result(
      'Error',
      0,
      `Could not judge ${list(
        errors.map(e => e.m.name),
      )}, so the canary is not passed: ${errors
        .map(e => e.m.reason)
        .join(' ')}`,
    );
  }

  const notPassing = active
    .filter(a => a.m.classification !== 'Pass')
    .map(a => `${a.m.name} ${a.m.classification}`);
  const brokenGuards = active.filter(a => a.m.guard && !a.m.guard.passed);
  const guardNote = brokenGuards.length
    ? ` Absolute limits broken: ${brokenGuards
        .map(a => `${a.m.name} (${a.m.guard!.description})`)
        .join('; ')}.`
    : '';

  const critical = active.filter(a => failsCritically(a.m, a.config));
  if (critical.length) {
    return result(
      'Fail',
      0,
      `Critical metric${critical.length > 1 ? 's' : ''} ${list(
        critical.map(c => c.m.name),
      )} did not pass: ${critical.map(c => c.m.reason).join(' ')}${guardNote}`,
    );
  }
  const noData = active.filter(a => a.m.classification === 'NoData');
  if (noData.length * 2 >= active.length) {
    return result(
      'Fail',
      0,
      `No data for ${noData.length} of ${active.length} metrics (${list(
        noData.map(n => n.m.name),
      )}), too few to judge: check the selectors and that the canary receives traffic.${guardNote}`,
    );
  }

  const scoreText = `Score ${weighted}`;
  const detail = notPassing.length
    ? ` Not passing: ${notPassing.join(', ')}.`
    : ` All ${active.length} metrics passed.`;
  if (brokenGuards.length) {
    return result(
      'Fail',
      weighted,
      `${scoreText}, but the canary breaks an absolute limit, so it fails.${guardNote}${detail}`,
    );
  }
  if (weighted >= pass)
    return result('Pass', weighted, `${scoreText} ≥ ${pass} (pass).${detail}`);
  if (weighted >= marginal) {
    return result(
      'Marginal',
      weighted,
      `${scoreText} is below ${pass} (pass) but at least ${marginal} (marginal): a person should decide.${detail}`,
    );
  }
  return result(
    'Fail',
    weighted,
    `${scoreText} < ${marginal} (marginal).${detail}`,
  );
}
