import type { ComplianceReport } from '@gantry/plugin-gantry-common';
import { csvRow } from '../kernel/csv';

/** Controls, each control's evidence, the production deployments, then the promotion requests. */
export function reportToCsv(r: ComplianceReport): string {
  const rows: unknown[][] = [
    ['section', 'control', 'title', 'status', 'summary', 'findings'],
    ...r.controls.map(c => [
      'control',
      c.control,
      c.title,
      c.status,
      c.summary,
      c.findings.join(' | '),
    ]),
    [],
    ['section', 'control', 'kind', 'id', 'label', 'href'],
    ...r.controls.flatMap(c =>
      c.evidence.map(e => [
        'evidence',
        c.control,
        e.kind,
        e.id,
        e.label,
        e.href,
      ]),
    ),
    [],
    [
      'section',
      'deploymentId',
      'environment',
      'application',
      'revision',
      'startedAt',
      'outcome',
      'version',
      'coverage',
      'requestId',
    ],
    ...r.deployments.map(d => [
      'deployment',
      d.deploymentId,
      d.environment,
      d.application,
      d.revision,
      d.startedAt,
      d.outcome,
      d.version,
      d.coverage,
      d.requestId,
    ]),
    [],
    [
      'section',
      'requestId',
      'version',
      'environment',
      'requestedBy',
      'requestedAt',
      'emergency',
      'approvedBy',
      'reviewedBy',
      'testsPassed',
      'scanned',
      'evidence',
    ],
    ...r.changes.map(c => [
      'change',
      c.requestId,
      c.version,
      c.environment,
      c.requestedBy,
      c.requestedAt,
      c.emergency,
      c.approvals.map(a => a.by).join(' '),
      c.reviewedBy,
      c.testsPassed,
      c.scanned,
      c.evidenceLinks.map(l => l.href).join(' '),
    ]),
  ];
  return rows.map(csvRow).join('');
}
