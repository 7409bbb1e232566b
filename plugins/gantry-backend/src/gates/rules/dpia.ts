import type { Entity } from '@backstage/catalog-model';
import {
  PERSONAL_DATA_ANNOTATION,
  type GateRuleResult,
  type ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { DpiaConfig } from '../dpiaConfig';
import type { PersonalDataDeclarations } from '../gateInputs';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('dpia');
const DAY = 86_400_000;

/**
 * Gate rule `dpia`, for services that declare personal data: a DPIA (evidence format
 * dpia, uploaded with any release) at most `maxAgeDays` old and not rejected or past its
 * review date, a retention period, and encryption in transit and at rest declared.
 */
export async function dpiaRule(
  ctx: { entity: Entity; entityRef: string; now: Date },
  deps: {
    config: DpiaConfig;
    personalData: PersonalDataDeclarations;
    releases: {
      listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
    };
  },
): Promise<GateRuleResult> {
  const declared = deps.personalData.declarationOf(ctx.entity);
  if (declared.status === 'none')
    return {
      rule: 'dpia',
      status: 'not-applicable',
      reason: `${ctx.entityRef} declares no personal data (annotation ${PERSONAL_DATA_ANNOTATION}).`,
    };
  if (declared.status === 'invalid')
    return fail(`${declared.reason}. Fix the annotation in catalog-info.yaml.`);
  const d = declared.declaration;
  const problems: string[] = [];
  if (!d.retention)
    problems.push('no retention period is declared (retention: e.g. 2y)');
  if (d.encryptionInTransit !== true)
    problems.push(
      'encryption in transit is not declared (encryptionInTransit: true)',
    );
  if (d.encryptionAtRest !== true)
    problems.push(
      'encryption at rest is not declared (encryptionAtRest: true)',
    );

  const { maxAgeDays } = deps.config;
  const latest = (await deps.releases.listReleases(ctx.entityRef, 50))
    .flatMap(r => r.evidence)
    .flatMap(e => (e.summary.dpia ? [e.summary.dpia] : []))
    .sort((a, b) => b.assessedAt.localeCompare(a.assessedAt))[0];
  let dpiaNote = '';
  if (!latest) {
    problems.push(
      `no DPIA is recorded: upload one as evidence format dpia (one is needed every ${maxAgeDays} days)`,
    );
  } else {
    const age = Math.floor(
      (ctx.now.getTime() - Date.parse(latest.assessedAt)) / DAY,
    );
    const what = `the DPIA of ${latest.assessedAt.slice(0, 10)} by ${
      latest.assessor
    }`;
    if (latest.outcome === 'rejected')
      problems.push(`${what} rejected the processing`);
    else if (age > maxAgeDays)
      problems.push(
        `${what} is ${age} days old; the limit is ${maxAgeDays} days`,
      );
    else if (
      latest.reviewDue &&
      Date.parse(latest.reviewDue) < ctx.now.getTime()
    )
      problems.push(
        `${what} was due for review on ${latest.reviewDue.slice(0, 10)}`,
      );
    dpiaNote = `${what} (${latest.outcome}, ${age} day${
      age === 1 ? '' : 's'
    } old)`;
  }
  if (problems.length)
    return fail(
      `${ctx.entityRef} processes personal data (${list(
        d.categories,
      )}), but ${list(problems, 10)}.`,
    );
  return pass(
    `Personal data (${list(d.categories)}) covered by ${dpiaNote}; retention ${
      d.retention
    }, encrypted in transit and at rest.`,
  );
}
