import type {
  ChaosDrillSummary,
  EvidenceRecord,
  GateRuleResult,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import {
  chaosDrillRequirementFor,
  type ChaosDrillConfig,
  type ChaosDrillRequirement,
} from '../chaosDrillConfig';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('chaos-drill');
const DAY = 86_400_000;

/** Why a drill does not count as passed; empty when it does. */
function problemsOf(
  d: ChaosDrillSummary,
  required: ChaosDrillRequirement,
): string[] {
  const problems: string[] = [];
  if (d.canaryVerdict !== 'pass')
    problems.push(`the canary analysis judged it ${d.canaryVerdict}`);
  const unrecovered = d.experiments.filter(e => !e.recoveredAt);
  if (unrecovered.length)
    problems.push(
      `the service never recovered from ${list(
        unrecovered.map(e => `${e.name} (${e.kind} ${e.action})`),
      )}`,
    );
  const actions = new Set(d.experiments.map(e => e.action));
  const missing = required.requiredActions.filter(a => !actions.has(a));
  if (missing.length)
    problems.push(`it injected no ${list(missing)} (required)`);
  return problems;
}

/**
 * Gate rule `chaos-drill`: before promotion into an environment, the release passed a
 * resilience drill (evidence format chaos-drill: canary verdict pass under fault, every
 * experiment recovered, the required actions injected). The newest drill of the release
 * itself decides; a release without one may lean on the service's newest drill when it
 * passed within `maxAgeDays`.
 */
export async function chaosDrillRule(
  ctx: {
    entityRef: string;
    version: string;
    environment: string;
    evidence: EvidenceRecord[];
    now: Date;
  },
  deps: {
    config: ChaosDrillConfig;
    releases: {
      listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
    };
  },
): Promise<GateRuleResult> {
  const required = chaosDrillRequirementFor(deps.config, ctx.environment);
  const seen = new Set<string>();
  const drills = [
    ...ctx.evidence,
    ...(await deps.releases.listReleases(ctx.entityRef, 50)).flatMap(
      r => r.evidence,
    ),
  ]
    .filter(e => !seen.has(e.id) && seen.add(e.id))
    .flatMap(e => (e.summary.chaosDrill ? [e.summary.chaosDrill] : []))
    .sort((a, b) => b.ranAt.localeCompare(a.ranAt));
  const ofRelease = drills.find(d => d.release === ctx.version);
  const latest = ofRelease ?? drills[0];
  const how = `(${
    ctx.environment
  } needs canary verdict pass, every experiment recovered${
    required.requiredActions.length
      ? `, actions ${list(required.requiredActions)}`
      : ''
  })`;
  if (!latest)
    return fail(
      `No chaos drill recorded for ${ctx.entityRef}: run the release's staging canary with fault injection and upload the result as evidence format chaos-drill ${how}.`,
    );
  const what = `The ${
    ofRelease ? `newest chaos drill of ${ctx.version}` : 'newest chaos drill'
  } (${latest.ranAt.slice(0, 10)} in ${latest.environment}, release ${
    latest.release
  })`;
  const problems = problemsOf(latest, required);
  if (problems.length)
    return fail(
      `${what} did not pass: ${problems.join(
        '; ',
      )}. Fix the cause and run the drill again ${how}.`,
    );
  const age = Math.floor((ctx.now.getTime() - Date.parse(latest.ranAt)) / DAY);
  if (!ofRelease && age > required.maxAgeDays)
    return fail(
      `${what} is ${age} days old and ${ctx.version} has none of its own; ${ctx.environment} needs one within ${required.maxAgeDays} days.`,
    );
  return pass(
    `${what} passed: canary pass under ${list([
      ...new Set(latest.experiments.map(e => e.action)),
    ])}, every experiment recovered${
      ofRelease ? '' : `, ${age} day${age === 1 ? '' : 's'} ago`
    }.`,
  );
}
