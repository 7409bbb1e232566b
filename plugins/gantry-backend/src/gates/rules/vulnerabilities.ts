import type { GateRuleResult } from '@gantry/plugin-gantry-common';
import type { VulnerabilitySettings } from '../../kernel/config/complianceConfig';
import type { AllowlistStore } from '../AllowlistStore';
import type { ReleaseEvidence } from '../gateInputs';
import { list, plural, verdicts, type EvidenceRuleInput } from './ruleResult';

const { pass, fail } = verdicts('vulnerabilities');

/**
 * Fails while any vulnerability of the release blocks and is not allowlisted: of a
 * blocking severity with a fix, of a severity that blocks without one, or a SARIF result
 * scored at or above the threshold. The store counts every finding of every scan.
 */
export async function vulnerabilitiesRule(
  input: EvidenceRuleInput,
  deps: {
    blockingSeverities: string[];
    settings: VulnerabilitySettings;
    evidence: Pick<ReleaseEvidence, 'matchingVulnerabilities'>;
    allowlist: Pick<AllowlistStore, 'activeIds'>;
  },
): Promise<GateRuleResult> {
  const scans = input.evidence.filter(e => e.summary.vulnerabilities);
  if (scans.length === 0)
    return fail(
      'No vulnerability scan uploaded (trivy, SARIF with security-severity, or CycloneDX with vulnerabilities).',
    );
  const { blockingSeverities, settings } = deps;
  const matched = await deps.evidence.matchingVulnerabilities(
    input.entityRef,
    input.version,
    {
      fixableSeverities: blockingSeverities,
      anySeverities: settings.blockUnfixable,
      minScore: settings.securitySeverityThreshold,
    },
  );
  const allowed = await deps.allowlist.activeIds(input.entityRef, input.now);
  const blocking = matched.filter(m => !allowed.has(m.id)).map(m => m.id);
  const accepted = matched.filter(m => allowed.has(m.id)).map(m => m.id);
  const fixable = `fixable ${blockingSeverities.join('/')}`;
  const unfixable = settings.blockUnfixable.length
    ? `${settings.blockUnfixable.join('/')} without a fix`
    : undefined;
  const sarif = `SARIF security-severity >= ${settings.securitySeverityThreshold.toFixed(
    1,
  )}`;
  if (blocking.length) {
    return fail(
      `${plural(
        blocking.length,
        'vulnerability blocks',
        'vulnerabilities block',
      )} (${[fixable, unfixable, sarif].filter(Boolean).join('; ')}): ${list(
        blocking,
      )}. Upgrade, or allowlist with a justification and expiry.`,
    );
  }
  return pass(
    `No ${fixable} vulnerabilities${
      unfixable ? `, none ${unfixable}` : ''
    }, no ${sarif} in ${scans.length} scan(s)${
      accepted.length
        ? `; ${accepted.length} allowlisted (${list(accepted)})`
        : ''
    }.`,
  );
}
