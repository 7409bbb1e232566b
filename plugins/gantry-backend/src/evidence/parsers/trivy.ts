import { z } from 'zod';
import type {
  EvidenceSummary,
  VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';
import {
  countsHeadline,
  normaliseSeverity,
  summariseFindings,
} from './vulnerabilities';

// Trivy publishes no JSON Schema for its report, so the fields the gates read are
// checked here. Both shapes Trivy has written are accepted: the SchemaVersion 2 object
// and the older bare array of results.
const vulnerability = z.object({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string().optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Severity: z.string().min(1),
  Status: z.string().optional(),
});
const result = z.object({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(vulnerability).nullish(),
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

export function parseTrivy(bytes: Buffer): EvidenceSummary {
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
    (res.Vulnerabilities ?? []).map(v => ({
      id: v.VulnerabilityID,
      severity: normaliseSeverity(v.Severity),
      package: v.PkgName,
      installedVersion: v.InstalledVersion,
      fixedVersion: v.FixedVersion || undefined,
      fixAvailable: Boolean(v.FixedVersion),
    })),
  );
  const vulnerabilities = summariseFindings(findings);
  return {
    headline: `Trivy: ${countsHeadline(vulnerabilities.counts)}`,
    vulnerabilities,
  };
}
