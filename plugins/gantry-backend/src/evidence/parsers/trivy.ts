import { z } from 'zod';
import type {
  EvidenceSummary,
  MisconfigurationFinding,
  SecretFinding,
  VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';
import {
  countBySeverity,
  countsHeadline,
  normaliseSeverity,
  type ParsedEvidence,
  RANK,
  rowsOf,
  summariseFindings,
} from './vulnerabilities';

// Trivy publishes no JSON Schema for its report, so the fields the gates read are
// checked here (shapes as in aquasecurity/trivy integration/testdata/*.json.golden).
// Both shapes Trivy has written are accepted: the SchemaVersion 2 object and the older
// bare array of results.
const vulnerability = z.object({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string().optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Severity: z.string().min(1),
  Status: z.string().optional(),
});
const secret = z.object({
  RuleID: z.string().min(1),
  Severity: z.string().min(1),
  Title: z.string().optional(),
  StartLine: z.number().optional(),
});
const misconfiguration = z.object({
  ID: z.string().min(1),
  Severity: z.string().min(1),
  Title: z.string().optional(),
  // PASS and EXCEPTION (an accepted exception) are listed with --include-non-failures
  Status: z.string().optional(),
});
const result = z.object({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(vulnerability).nullish(),
  Secrets: z.array(secret).nullish(),
  Misconfigurations: z.array(misconfiguration).nullish(),
});
const report = z.object({
  SchemaVersion: z.literal(2, {
    errorMap: () => ({
      message: 'must be 2; produce the report with `trivy image --format json`',
    }),
  }),
  ArtifactName: z.string().optional(),
  Results: z.array(result).nullish(),
});
const legacyReport = z.array(result);
type Result = z.infer<typeof result>;

const KEEP = 50;
const bySeverity = <T extends { severity: VulnerabilityFinding['severity'] }>(
  a: T,
  b: T,
) => RANK[a.severity] - RANK[b.severity];

function secretsOf(results: Result[]): EvidenceSummary['secrets'] {
  const found: SecretFinding[] = results.flatMap(res =>
    (res.Secrets ?? []).map(s => ({
      ruleId: s.RuleID,
      severity: normaliseSeverity(s.Severity),
      target: res.Target,
      ...(s.Title ? { title: s.Title } : {}),
      ...(s.StartLine !== undefined ? { line: s.StartLine } : {}),
    })),
  );
  // Without a secret result the report does not show that secrets were scanned for.
  if (!results.some(r => r.Class === 'secret' || r.Secrets)) return undefined;
  return {
    tool: 'Trivy',
    total: found.length,
    counts: countBySeverity(found.map(f => f.severity)),
    findings: [...found].sort(bySeverity).slice(0, KEEP),
  };
}

function misconfigurationsOf(
  results: Result[],
): EvidenceSummary['misconfigurations'] {
  const failed: MisconfigurationFinding[] = results.flatMap(res =>
    (res.Misconfigurations ?? [])
      .filter(m => (m.Status ?? 'FAIL') === 'FAIL')
      .map(m => ({
        id: m.ID,
        severity: normaliseSeverity(m.Severity),
        target: res.Target,
        ...(m.Title ? { title: m.Title } : {}),
      })),
  );
  if (!results.some(r => r.Class === 'config' || r.Misconfigurations))
    return undefined;
  return {
    failures: failed.length,
    counts: countBySeverity(failed.map(f => f.severity)),
    findings: [...failed].sort(bySeverity).slice(0, KEEP),
  };
}

/**
 * Whether packages were scanned for vulnerabilities: a report of `--scanners secret` or
 * `trivy config` alone must not read as "no vulnerabilities". Results without a Class
 * come from Trivy's older bare-array reports, which only scanned packages.
 */
const scannedPackages = (results: Result[]) =>
  results.some(
    r =>
      r.Vulnerabilities ||
      r.Class === 'os-pkgs' ||
      r.Class === 'lang-pkgs' ||
      (r.Class === undefined && !r.Secrets && !r.Misconfigurations),
  );

export function parseTrivy(bytes: Buffer): ParsedEvidence {
  const json = parseJson('trivy', bytes);
  const r = Array.isArray(json)
    ? legacyReport.safeParse(json)
    : report.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError('trivy', pathOf(issue.path), issue.message);
  }
  const results = Array.isArray(r.data) ? r.data : r.data.Results ?? [];
  const findings: VulnerabilityFinding[] = results.flatMap(res =>
    (res.Vulnerabilities ?? [])
      // a VEX statement applied by `trivy --vex` can mark a finding not affected
      .filter(v => v.Status !== 'not_affected')
      .map(v => ({
        id: v.VulnerabilityID,
        severity: normaliseSeverity(v.Severity),
        package: v.PkgName,
        installedVersion: v.InstalledVersion,
        fixedVersion: v.FixedVersion || undefined,
        fixAvailable: Boolean(v.FixedVersion),
      })),
  );
  const vulnerabilities = scannedPackages(results)
    ? summariseFindings(findings)
    : undefined;
  const secrets = secretsOf(results);
  const misconfigurations = misconfigurationsOf(results);
  const plural = (n: number, one: string, many: string) =>
    `${n} ${n === 1 ? one : many}`;
  return {
    summary: {
      headline: `Trivy: ${
        vulnerabilities
          ? countsHeadline(vulnerabilities.counts)
          : 'no package scan'
      }${secrets ? `; ${plural(secrets.total, 'secret', 'secrets')}` : ''}${
        misconfigurations
          ? `; ${plural(
              misconfigurations.failures,
              'failed configuration check',
              'failed configuration checks',
            )}`
          : ''
      }`,
      ...(vulnerabilities ? { vulnerabilities } : {}),
      ...(secrets ? { secrets } : {}),
      ...(misconfigurations ? { misconfigurations } : {}),
    },
    vulnerabilities: rowsOf('trivy', findings),
  };
}
