import { InputError } from '@backstage/errors';
import type {
  ComplianceReport,
  ControlResult,
  ProductionChange,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ApproverDirectory } from '../kernel/approvers';
import type { ComplianceConfig } from '../kernel/config/complianceConfig';
import type {
  AcceptedVulnerabilities,
  PromotionLog,
  ReleaseHistory,
} from './reportInputs';

const MAX_PERIOD_DAYS = 400;

/**
 * SOC 2 evidence for one entity and period: CC8.1 (each production change requested,
 * approved by someone other than its author, tested and scanned), CC7.1 (each release
 * scanned, no fixable critical/high left unaccepted) and CC6.1 (who may promote).
 */
export class ComplianceReportService {
  constructor(
    private readonly deps: {
      evidence: ReleaseHistory;
      promotions: PromotionLog;
      allowlist: AcceptedVulnerabilities;
      approvers: ApproverDirectory;
      audit: AuditService;
      config: ComplianceConfig;
      now?: () => Date;
    },
  ) {}

  async build(
    entityRef: string,
    from: string,
    to: string,
    evidenceHref: (id: string) => string,
  ): Promise<ComplianceReport> {
    const start = Date.parse(from);
    const end = Date.parse(to);
    if (!(end > start))
      throw new InputError(
        `The period must end after it starts (from ${from}, to ${to}).`,
      );
    if (end - start > MAX_PERIOD_DAYS * 86_400_000) {
      throw new InputError(
        `A report covers at most ${MAX_PERIOD_DAYS} days; split the period.`,
      );
    }
    const inPeriod = (t: string) =>
      t >= new Date(start).toISOString() && t < new Date(end).toISOString();
    const now = this.deps.now?.() ?? new Date();
    const approvalEnvs = this.deps.config.approvals.environments;

    const releases = (
      await this.deps.evidence.listReleases(entityRef, 1000)
    ).filter(r => inPeriod(r.createdAt));
    const requests = (
      await this.deps.promotions.list({ entityRef, limit: 1000 })
    ).filter(
      p =>
        inPeriod(p.createdAt) &&
        approvalEnvs.includes(p.environment) &&
        (p.status === 'approved' || p.status === 'emergency'),
    );
    const allReleases = await this.deps.evidence.listReleases(entityRef, 1000);
    const byVersion = new Map(allReleases.map(r => [r.version, r]));

    const changes: ProductionChange[] = requests.map(p => {
      const ev = byVersion.get(p.version)?.evidence ?? [];
      const tests = ev.filter(e => e.summary.tests);
      return {
        requestId: p.id,
        version: p.version,
        environment: p.environment,
        requestedBy: p.requestedBy,
        requestedAt: p.createdAt,
        reason: p.reason,
        emergency: p.emergency,
        approvals: p.decisions
          .filter(d => d.decision === 'approve')
          .map(d => ({ by: d.decidedBy, at: d.decidedAt })),
        reviewedBy: p.reviewedBy,
        testsPassed:
          tests.length > 0 && tests.every(e => e.summary.tests!.failed === 0),
        scanned: ev.some(e => e.summary.vulnerabilities),
        evidenceLinks: ev.map(e => ({
          format: e.format,
          headline: e.summary.headline,
          href: evidenceHref(e.id),
        })),
      };
    });

    const cc81: string[] = [];
    for (const c of changes) {
      const label = `${c.version} into ${c.environment} (request ${c.requestId})`;
      if (c.emergency) {
        if (!c.reviewedBy)
          cc81.push(
            `${label}: emergency change without the after-the-fact review.`,
          );
      } else if (!c.approvals.some(a => a.by !== c.requestedBy)) {
        cc81.push(
          `${label}: no approval by someone other than ${c.requestedBy}.`,
        );
      }
      if (!c.testsPassed) cc81.push(`${label}: no passing test results.`);
      if (!c.scanned) cc81.push(`${label}: no vulnerability scan.`);
    }

    const allowed = await this.deps.allowlist.activeIds(entityRef, now);
    const cc71: string[] = [];
    for (const r of releases) {
      const scans = r.evidence.filter(e => e.summary.vulnerabilities);
      if (scans.length === 0) {
        cc71.push(`Release ${r.version} has no vulnerability scan.`);
        continue;
      }
      const open = new Set(
        scans.flatMap(e =>
          e.summary
            .vulnerabilities!.findings.filter(
              f =>
                f.fixAvailable &&
                this.deps.config.blockingSeverities.includes(f.severity) &&
                !allowed.has(f.id),
            )
            .map(f => f.id),
        ),
      );
      if (open.size)
        cc71.push(
          `Release ${r.version} ships fixable ${[...open]
            .slice(0, 5)
            .join(', ')} without an accepted exception.`,
        );
    }

    const owners = await this.deps.approvers.ownersOf(entityRef);
    const groups = [
      ...owners,
      ...approvalEnvs.flatMap(
        env => this.deps.config.approvals.extraApproverGroups[env] ?? [],
      ),
    ];
    const eligibleApprovers = [
      ...new Set(
        (
          await Promise.all(groups.map(g => this.deps.approvers.membersOf(g)))
        ).flat(),
      ),
    ].sort();
    const cc61: string[] =
      eligibleApprovers.length < 2
        ? [
            `Only ${eligibleApprovers.length} person may approve promotions (${
              groups.join(', ') || 'no owner'
            }); segregation of duties needs at least two.`,
          ]
        : [];

    const control = (
      c: ControlResult['control'],
      title: string,
      findings: string[],
      ok: string,
    ): ControlResult => ({
      control: c,
      title,
      status: findings.length ? 'fail' : 'pass',
      summary: findings.length ? `${findings.length} finding(s)` : ok,
      findings,
    });
    return {
      entityRef,
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      generatedAt: now.toISOString(),
      auditHead: await this.deps.audit.head(),
      controls: [
        control(
          'CC8.1',
          'Change management',
          cc81,
          `${changes.length} production change(s), each approved by someone other than its author, tested and scanned.`,
        ),
        control(
          'CC7.1',
          'Vulnerability management',
          cc71,
          `${releases.length} release(s) scanned; no fixable critical/high left unaccepted.`,
        ),
        control(
          'CC6.1',
          'Logical access: who may promote',
          cc61,
          `${
            eligibleApprovers.length
          } people may approve: ${eligibleApprovers.join(', ')}.`,
        ),
      ],
      changes,
      eligibleApprovers,
    };
  }
}

const cell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Controls first, then one row per production change. */
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
  return `${rows.map(row => row.map(cell).join(',')).join('\n')}\n`;
}
