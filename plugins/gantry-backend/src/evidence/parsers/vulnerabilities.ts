import {
  SEVERITIES,
  type Severity,
  type SeverityCount,
  type VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';

const RANK: Record<Severity, number> = {
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
