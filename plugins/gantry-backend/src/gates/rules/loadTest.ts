import type {
  EvidenceRecord,
  GateRuleResult,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { ApprovalStates } from '../gateInputs';
import type { GateOverrideStore } from '../GateOverrideStore';
import type { LoadTestConfig } from '../loadTestConfig';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('load-test');
type Run = NonNullable<EvidenceRecord['summary']['loadTest']>;

const newestRun = (evidence: EvidenceRecord[]) =>
  evidence
    .filter(e => e.summary.loadTest)
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt))[0]?.summary
    .loadTest;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const pct = (v: number) => `${v.toFixed(1)} %`;

/** Threshold breaches of one run, e.g. "p95 420 ms > 300 ms". */
function breaches(run: Run, t: LoadTestConfig['thresholds'][string]): string[] {
  const out: string[] = [];
  const over = (name: string, v: number | undefined, max?: number, f = ms) => {
    if (max === undefined) return;
    if (v === undefined) out.push(`${name} not measured (limit ${f(max)})`);
    else if (v > max) out.push(`${name} ${f(v)} > ${f(max)}`);
  };
  over('p95', run.p95Ms, t.p95Ms);
  over('p99', run.p99Ms, t.p99Ms);
  over(
    'error rate',
    run.errorRate * 100,
    t.errorRate === undefined ? undefined : t.errorRate * 100,
    pct,
  );
  const rps = (v: number) => `${v.toFixed(1)} req/s`;
  if (t.minRequestsPerSecond !== undefined) {
    const v = run.requestsPerSecond;
    if (v === undefined)
      out.push(
        `throughput not measured (limit ${rps(t.minRequestsPerSecond)})`,
      );
    else if (v < t.minRequestsPerSecond)
      out.push(`throughput ${rps(v)} < ${rps(t.minRequestsPerSecond)}`);
  }
  if (t.minRequests !== undefined && run.requests < t.minRequests)
    out.push(`${run.requests} requests < ${t.minRequests}`);
  return out;
}

/**
 * The last released version's run: the newest earlier release with a load test that was
 * approved (or promoted as an emergency) into `environment`; where the environment
 * needs no approval, the newest earlier release with a load test.
 */
async function baselineOf(
  ctx: {
    entityRef: string;
    version: string;
    environment: string;
    createdAt: string;
  },
  deps: {
    releases: {
      listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
    };
    promotions: ApprovalStates;
  },
): Promise<{ version: string; run: Run } | undefined> {
  const earlier = (await deps.releases.listReleases(ctx.entityRef, 50))
    .filter(r => r.version !== ctx.version && r.createdAt < ctx.createdAt)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const approvals = deps.promotions.needsApproval(ctx.environment);
  for (const r of earlier) {
    const run = newestRun(r.evidence);
    if (!run) continue;
    if (approvals) {
      const state = await deps.promotions.approvalState(
        ctx.entityRef,
        r.version,
        ctx.environment,
      );
      if (!state.approved && !state.emergency) continue;
    }
    return { version: r.version, run };
  }
  return undefined;
}

/**
 * Gate rule `load-test`: the release's newest k6 run meets the environment's thresholds
 * and is not worse than the last released version's run by more than the allowed
 * percentage (p95 up, throughput down). A regression, never a threshold, can be
 * overridden for this release and environment by a person with a reason.
 */
export async function loadTestRule(
  ctx: {
    entityRef: string;
    version: string;
    environment: string;
    createdAt: string;
    evidence: EvidenceRecord[];
  },
  deps: {
    config: LoadTestConfig;
    releases: {
      listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
    };
    promotions: ApprovalStates;
    overrides: Pick<GateOverrideStore, 'find'>;
  },
): Promise<GateRuleResult> {
  const run = newestRun(ctx.evidence);
  if (!run)
    return fail(
      `No load test uploaded for ${ctx.version}: upload k6's end-of-test summary as evidence format load-test.`,
    );
  const t = deps.config.thresholds[ctx.environment] ?? {};
  const broken = breaches(run, t);
  if (broken.length)
    return fail(
      `The load test misses the ${ctx.environment} thresholds: ${list(
        broken,
      )}.`,
    );

  const measured = `p95 ${run.p95Ms !== undefined ? ms(run.p95Ms) : 'n/a'}, ${
    run.requestsPerSecond !== undefined
      ? `${run.requestsPerSecond.toFixed(1)} req/s`
      : 'throughput n/a'
  }`;
  const base = await baselineOf(ctx, deps);
  if (!base)
    return pass(
      `${measured}, within the ${ctx.environment} thresholds; no earlier released version has a load test to compare with.`,
    );
  const { p95: maxP95, throughput: maxTput } = deps.config.maxRegressionPercent;
  const regressions: string[] = [];
  if (run.p95Ms !== undefined && base.run.p95Ms) {
    const up = ((run.p95Ms - base.run.p95Ms) / base.run.p95Ms) * 100;
    if (up > maxP95)
      regressions.push(
        `p95 ${ms(run.p95Ms)} vs ${ms(base.run.p95Ms)} (+${pct(up)} > ${pct(
          maxP95,
        )})`,
      );
  }
  if (run.requestsPerSecond !== undefined && base.run.requestsPerSecond) {
    const down =
      ((base.run.requestsPerSecond - run.requestsPerSecond) /
        base.run.requestsPerSecond) *
      100;
    if (down > maxTput)
      regressions.push(
        `throughput ${run.requestsPerSecond.toFixed(
          1,
        )} vs ${base.run.requestsPerSecond.toFixed(1)} req/s (-${pct(
          down,
        )} > ${pct(maxTput)})`,
      );
  }
  if (!regressions.length)
    return pass(
      `${measured}, within the ${ctx.environment} thresholds and within ${pct(
        maxP95,
      )} p95 / ${pct(maxTput)} throughput of ${base.version}.`,
    );
  const regressed = `regressed against ${
    base.version
  }, the last released version: ${regressions.join('; ')}`;
  const override = await deps.overrides.find({
    entityRef: ctx.entityRef,
    version: ctx.version,
    environment: ctx.environment,
    rule: 'load-test',
  });
  if (override)
    return pass(
      `Overridden by ${override.createdBy} (${override.reason}): ${regressed}.`,
    );
  return fail(
    `The load test ${regressed}. Fix it, or, if accepted, override with PUT …/releases/${ctx.version}/gate-overrides/${ctx.environment}/load-test and a reason (audited).`,
  );
}
