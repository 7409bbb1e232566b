import type {
  EvidenceRecord,
  GateRuleResult,
} from '@gantry/plugin-gantry-common';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('tests');

/** Every uploaded test report passes; failures are named. */
export function testsRule(evidence: EvidenceRecord[]): GateRuleResult {
  const runs = evidence.filter(e => e.summary.tests);
  if (runs.length === 0)
    return fail(
      'No test results uploaded (JUnit XML or an in-toto test-result attestation).',
    );
  const failed = runs.reduce((n, e) => n + e.summary.tests!.failed, 0);
  const total = runs.reduce((n, e) => n + e.summary.tests!.total, 0);
  if (failed > 0) {
    const names = runs.flatMap(e => e.summary.tests!.failures.map(f => f.name));
    return fail(`${failed} of ${total} tests failed: ${list(names)}.`);
  }
  return pass(`${total} tests passed in ${runs.length} report(s).`);
}
