import {
  SEVERITIES,
  type EvidenceFormat,
  type EvidenceSummary,
  type Severity,
  type SeverityCount,
  type VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';
import { EvidenceFormatError } from './EvidenceFormatError';

export const RANK: Record<Severity, number> = {
  CRITICAL: 0,
  HIGH: 1,
  MEDIUM: 2,
  LOW: 3,
  UNKNOWN: 4,
};

export function normaliseSeverity(s: string | undefined): Severity {
  const up = (s ?? '').toUpperCase();
  if (up === 'MODERATE') return 'MEDIUM';
  if (up === 'INFO' || up === 'NONE' || up === 'NEGLIGIBLE') return 'LOW';
  return (SEVERITIES as readonly string[]).includes(up)
    ? (up as Severity)
    : 'UNKNOWN';
}

/**
 * One distinct finding of a document as the gates count it: every one is stored, the
 * summary's list of 200 is only for reading. `score` is SARIF's security-severity.
 */
export interface VulnerabilityRow {
  id: string;
  severity: Severity;
  fixable: boolean;
  score?: number;
}

/** A parsed document: its summary, and every vulnerability it reports (no cap). */
export interface ParsedEvidence {
  summary: EvidenceSummary;
  vulnerabilities: VulnerabilityRow[];
}

/** Every finding, one row per id, severity and fix availability (the highest score kept). */
export function rowsOf(
  format: EvidenceFormat,
  findings: Array<VulnerabilityFinding & { score?: number }>,
): VulnerabilityRow[] {
  const rows = new Map<string, VulnerabilityRow>();
  for (const f of findings) {
    // PostgreSQL text cannot hold NUL; no scanner writes one into an id
    if (f.id.includes('\u0000')) {
      throw new EvidenceFormatError(
        format,
        `vulnerability ${JSON.stringify(f.id)}`,
        'the id contains a NUL character; upload the report as the scanner wrote it',
      );
    }
    const key = JSON.stringify([f.id, f.severity, f.fixAvailable]);
    const seen = rows.get(key);
    if (!seen) {
      rows.set(key, {
        id: f.id,
        severity: f.severity,
        fixable: f.fixAvailable,
        ...(f.score === undefined ? {} : { score: f.score }),
      });
    } else if (
      f.score !== undefined &&
      (seen.score === undefined || f.score > seen.score)
    ) {
      seen.score = f.score;
    }
  }
  return [...rows.values()];
}

/** Counts per severity, zero for the ones not seen. */
export function countBySeverity(severities: Severity[]) {
  const counts = Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<
    Severity,
    number
  >;
  for (const s of severities) counts[s] += 1;
  return counts;
}

/** Counts by severity (total and with a fix) and keeps the 200 most severe findings. */
export function summariseFindings(findings: VulnerabilityFinding[]) {
  const counts = Object.fromEntries(
    SEVERITIES.map(s => [s, { total: 0, fixable: 0 }]),
  ) as Record<Severity, SeverityCount>;
  for (const f of findings) {
    counts[f.severity].total += 1;
    if (f.fixAvailable) counts[f.severity].fixable += 1;
  }
  const sorted = [...findings].sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      Number(b.fixAvailable) - Number(a.fixAvailable) ||
      a.id.localeCompare(b.id),
  );
  return { counts, findings: sorted.slice(0, 200) };
}

export function countsHeadline(
  counts: Record<Severity, SeverityCount>,
): string {
  const parts = SEVERITIES.filter(s => counts[s].total > 0).map(
    s =>
      `${counts[s].total} ${s.toLowerCase()}${
        counts[s].fixable ? ` (${counts[s].fixable} fixable)` : ''
      }`,
  );
  return parts.length ? parts.join(', ') : 'no vulnerabilities';
}
