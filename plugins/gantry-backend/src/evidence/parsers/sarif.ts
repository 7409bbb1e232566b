import Ajv from 'ajv-draft-04';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type {
  EvidenceSummary,
  VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';
import {
  EvidenceFormatError,
  parseJson,
  pointerToPath,
} from './EvidenceFormatError';
import {
  countsHeadline,
  rowsOf,
  summariseFindings,
  type ParsedEvidence,
} from './vulnerabilities';

// The SARIF 2.1.0 JSON Schema (draft-04) of the OASIS SARIF TC; see schemas/README.md.
// Imported (not read from disk) so the build bundles it into dist.
import sarifSchema from './schemas/sarif-2.1.0-rtm.5.json';

// unicodeRegExp off: the published schema's `language` pattern has a stray `]` that
// only non-unicode regular expressions accept.
const validate = new Ajv({
  allErrors: false,
  strict: false,
  validateFormats: false,
  unicodeRegExp: false,
}).compile(sarifSchema);

const SECRET_TOOL = /secret|gitleaks|trufflehog|detect-secrets|ggshield/i;

/** GitHub's bands for `security-severity`. */
function band(score: number): VulnerabilityFinding['severity'] {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

/**
 * `security-severity` is "a string representation of a number from 0.0 to 10.0" (GitHub's
 * code scanning contract; numbers are accepted too). The SARIF schema leaves property bags
 * untyped, so anything else is refused here: ignoring it would hide a finding from the gate.
 */
function securityScore(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const score =
    typeof value === 'number' || (typeof value === 'string' && value.trim())
      ? Number(value)
      : NaN;
  if (!Number.isFinite(score) || score < 0 || score > 10) {
    throw new EvidenceFormatError(
      'sarif',
      path,
      `security-severity must be a number from 0.0 to 10.0 written as a string (e.g. "7.5"), got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return score;
}

/** Suppressed only when every suppression is accepted (a missing status means accepted). */
const suppressed = (r: Result) =>
  (r.suppressions?.length ?? 0) > 0 &&
  r.suppressions!.every(s => (s.status ?? 'accepted') === 'accepted');

/**
 * Results that are not open problems of this run: other kinds than `fail`, accepted
 * suppressions, and `baselineState: absent` (a result of the baseline run that this
 * run no longer finds, listed only to show it was fixed).
 */
const notOpen = (r: Result) =>
  (r.kind ?? 'fail') !== 'fail' ||
  suppressed(r) ||
  r.baselineState === 'absent';

export function parseSarif(bytes: Buffer): ParsedEvidence {
  const json = parseJson('sarif', bytes);
  let valid: boolean;
  try {
    valid = validate(json);
  } catch (e) {
    // ajv's uniqueItems check (fast-deep-equal) throws on members with a "valueOf" key.
    throw new EvidenceFormatError('sarif', '/', (e as Error).message);
  }
  if (!valid) {
    const e = validate.errors![0];
    const path = pointerToPath(e.instancePath);
    throw new EvidenceFormatError(
      'sarif',
      path,
      `${e.message} (schema ${e.schemaPath})`,
    );
  }
  const log = json as unknown as Log;
  const results = { error: 0, warning: 0, note: 0, none: 0 };
  const tools: string[] = [];
  let secretScan = false;
  // rules scored for security make the run a vulnerability scan, even with no open result
  let securityRules = false;
  const findings: Array<VulnerabilityFinding & { score: number }> = [];
  for (const [runIndex, run] of log.runs.entries()) {
    const driver = run.tool.driver;
    tools.push(driver.name);
    if (SECRET_TOOL.test(driver.name)) secretScan = true;
    // Rules live in the driver or, for CodeQL query packs, in tool.extensions[]; a
    // result names its rule by ruleId, ruleIndex or rule {id, index, toolComponent}.
    const components = [driver, ...(run.tool.extensions ?? [])];
    const scores = new Map<ReportingDescriptor, number | undefined>();
    components.forEach((component, c) =>
      (component.rules ?? []).forEach((rule, i) =>
        scores.set(
          rule,
          securityScore(
            rule.properties?.['security-severity'],
            `runs[${runIndex}].tool.${
              c === 0 ? 'driver' : `extensions[${c - 1}]`
            }.rules[${i}].properties.security-severity`,
          ),
        ),
      ),
    );
    if ([...scores.values()].some(v => v !== undefined)) securityRules = true;
    const byId = new Map<string, ReportingDescriptor>();
    for (const component of [...components].reverse())
      for (const rule of component.rules ?? []) byId.set(rule.id, rule);
    const ruleOf = (r: Result): ReportingDescriptor | undefined => {
      const ext = r.rule?.toolComponent?.index;
      const rules =
        ext === undefined ? driver.rules : run.tool.extensions?.[ext]?.rules;
      const index = r.rule?.index ?? r.ruleIndex;
      const id = r.rule?.id ?? r.ruleId;
      return (
        (index !== undefined && index >= 0 ? rules?.[index] : undefined) ??
        (id ? byId.get(id) : undefined)
      );
    };
    for (const r of run.results ?? []) {
      if (notOpen(r)) continue;
      const rule = ruleOf(r);
      const level: keyof typeof results =
        r.level ?? rule?.defaultConfiguration?.level ?? 'warning';
      results[level] += 1;
      const score = rule ? scores.get(rule) : undefined;
      if (score !== undefined) {
        findings.push({
          id: r.ruleId ?? rule?.id ?? 'unknown-rule',
          severity: band(score),
          fixAvailable: Boolean(r.fixes?.length),
          score,
        });
      }
    }
  }
  const vulnerabilities = securityRules
    ? summariseFindings(findings.map(({ score: _score, ...f }) => f))
    : undefined;
  const total = results.error + results.warning + results.note + results.none;
  const summary: EvidenceSummary = {
    headline: `${tools.join(', ') || 'SARIF'}: ${total} result${
      total === 1 ? '' : 's'
    } (${results.error} error, ${results.warning} warning)${
      vulnerabilities ? `; ${countsHeadline(vulnerabilities.counts)}` : ''
    }`,
    codeScan: { tools, secretScan, results },
    ...(vulnerabilities ? { vulnerabilities } : {}),
  };
  return { summary, vulnerabilities: rowsOf('sarif', findings) };
}
