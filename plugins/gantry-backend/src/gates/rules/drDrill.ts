import type {
  GateRuleResult,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { DrDrillConfig } from '../drDrillConfig';
import { verdicts } from './ruleResult';

const { pass, fail } = verdicts('dr-drill');
const DAY = 86_400_000;

/**
 * Gate rule `dr-drill`: the service's newest DR drill record (format dr-drill, uploaded
 * with any of its releases) passed its checks, is at most `maxAgeDays` old and restored
 * within `maxRtoSeconds`.
 */
export async function drDrillRule(
  ctx: { entityRef: string; now: Date },
  deps: {
    config: DrDrillConfig;
    releases: {
      listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
    };
  },
): Promise<GateRuleResult> {
  const drills = (await deps.releases.listReleases(ctx.entityRef, 50))
    .flatMap(r => r.evidence)
    .flatMap(e => (e.summary.drDrill ? [e.summary.drDrill] : []))
    .sort((a, b) => b.restoredAt.localeCompare(a.restoredAt));
  const { maxAgeDays, maxRtoSeconds } = deps.config;
  const latest = drills[0];
  if (!latest)
    return fail(
      `No DR drill recorded for ${ctx.entityRef}: run a restore test and upload its record as evidence format dr-drill (one is needed every ${maxAgeDays} days).`,
    );
  const age = Math.floor(
    (ctx.now.getTime() - Date.parse(latest.restoredAt)) / DAY,
  );
  const what = `The last DR drill (${latest.restoredAt.slice(0, 10)}, ${
    latest.scope
  }, RTO ${latest.rtoSeconds} s)`;
  if (!latest.verified)
    return fail(`${what} failed its checks after the restore; run it again.`);
  if (age > maxAgeDays)
    return fail(
      `${what} is ${age} days old; production needs one within ${maxAgeDays} days.`,
    );
  if (maxRtoSeconds !== undefined && latest.rtoSeconds > maxRtoSeconds)
    return fail(
      `${what} took longer than the ${maxRtoSeconds} s recovery time objective.`,
    );
  return pass(
    `${what}, ${age} day${age === 1 ? '' : 's'} ago, within ${maxAgeDays} days${
      maxRtoSeconds !== undefined ? ` and the ${maxRtoSeconds} s RTO` : ''
    }.`,
  );
}
