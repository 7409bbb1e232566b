import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type EvidenceRecord,
  type GateRuleResult,
} from '@gantry/plugin-gantry-common';
import { list, plural, verdicts } from './ruleResult';

const { pass, fail } = verdicts('migrations');

/** The newest migration report of the release (a re-run of CI replaces the earlier one). */
const latestReport = (evidence: EvidenceRecord[]) =>
  evidence
    .filter(e => e.summary.migrations)
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt))[0];

/**
 * Gate rule `migrations`: the release's SQL migrations (format `migration`, squawk
 * findings) keep the previous release working while both run, and each step has a
 * rollback plan.
 *
 * - no report -> fail (a release without schema changes uploads an empty list);
 * - canary or blue-green (annotation gantry.dev/rollout-strategy, default canary): a
 *   backward-incompatible change (drop/rename/retype a column or table, a new required
 *   column) in an expand step fails; it passes only as a contract step that names the
 *   earlier, recorded release whose expand step it completes;
 * - every step has a down migration or a forward-only reason (checked at upload); the
 *   reason lists the forward-only ones so the rollback dialog can name them.
 */
export async function migrationsRule(
  ctx: {
    entity: Entity;
    entityRef: string;
    version: string;
    evidence: EvidenceRecord[];
  },
  releases: {
    isRecorded(entityRef: string, version: string): Promise<boolean>;
  },
): Promise<GateRuleResult> {
  const report = latestReport(ctx.evidence);
  if (!report)
    return fail(
      `No migration report for ${ctx.version}: CI lints the release's migrations with squawk and uploads them as evidence format migration (an empty "migrations" list when the release changes no schema).`,
    );
  const m = report.summary.migrations!;
  const strategy =
    ctx.entity.metadata.annotations?.[ANNOTATIONS.rolloutStrategy] ?? 'canary';
  const problems: string[] = [];
  if (strategy !== 'recreate' && m.breaking.length) {
    problems.push(
      `${plural(
        m.breaking.length,
        'backward-incompatible change',
        'backward-incompatible changes',
      )} in expand steps, while the previous release keeps running during the ${strategy} release: ${list(
        m.breaking.map(f => `${f.file}:${f.line} ${f.rule}`),
      )}. Ship the additive part now and the drop/rename as a contract step of a later release (phase "contract", expandedIn: this version)`,
    );
  }
  for (const step of m.contractSteps) {
    if (step.expandedIn === ctx.version) {
      problems.push(
        `${step.file} is a contract step of ${ctx.version} itself; a contract step completes an expand shipped in an EARLIER release`,
      );
    } else if (!(await releases.isRecorded(ctx.entityRef, step.expandedIn))) {
      problems.push(
        `${step.file} completes the expand step of ${step.expandedIn}, which is not a recorded release of ${ctx.entityRef}`,
      );
    }
  }
  if (problems.length) return fail(`${problems.join('. ')}.`);
  const rollback = m.rollback.forwardOnly.length
    ? `${plural(
        m.rollback.reversible,
        'down migration',
        'down migrations',
      )}; forward-only: ${list(
        m.rollback.forwardOnly.map(f => `${f.file} (${f.reason})`),
      )}`
    : `every step has a down migration`;
  if (m.files === 0) return pass('The release changes no schema.');
  let shape = 'expand-only';
  if (m.contractSteps.length)
    shape = `contract steps completing ${list([
      ...new Set(m.contractSteps.map(s => s.expandedIn)),
    ])}`;
  else if (strategy === 'recreate')
    shape = 'recreate strategy (no old release runs beside it)';
  return pass(
    `${plural(
      m.files,
      'migration',
      'migrations',
    )}, ${shape}; rollback: ${rollback}.`,
  );
}
