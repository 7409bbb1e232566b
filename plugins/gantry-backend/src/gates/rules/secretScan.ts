import type {
  EvidenceRecord,
  GateRuleResult,
} from '@gantry/plugin-gantry-common';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('secret-scan');

/** Open results of a SARIF secret scanner plus the secrets of Trivy reports; any one fails. */
export function secretScanRule(evidence: EvidenceRecord[]): GateRuleResult {
  const scans = evidence.filter(
    e => e.summary.codeScan?.secretScan || e.summary.secrets,
  );
  if (scans.length === 0)
    return fail(
      'No secret scan uploaded (SARIF from gitleaks, trufflehog, detect-secrets or a tool named *secret*, or a Trivy report that scanned for secrets).',
    );
  let findings = 0;
  const named: string[] = [];
  for (const e of scans) {
    const r = e.summary.codeScan?.secretScan
      ? e.summary.codeScan.results
      : undefined;
    if (r) findings += r.error + r.warning + r.note + r.none;
    if (e.summary.secrets) {
      findings += e.summary.secrets.total;
      named.push(
        ...e.summary.secrets.findings.map(f => `${f.ruleId} in ${f.target}`),
      );
    }
  }
  const tools = [
    ...new Set(
      scans.flatMap(e =>
        e.summary.codeScan?.secretScan
          ? e.summary.codeScan.tools
          : [e.summary.secrets!.tool],
      ),
    ),
  ];
  return findings === 0
    ? pass(`Secret scan clean (${list(tools)}).`)
    : fail(
        `Secret scan reports ${findings} finding(s)${
          named.length ? ` (${list(named, 3)})` : ''
        }; rotate and remove the secrets, then scan again.`,
      );
}
