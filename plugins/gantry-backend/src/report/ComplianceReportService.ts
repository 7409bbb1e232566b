import { InputError } from '@backstage/errors';
import type {
  ComplianceReport,
  ControlEvidence,
  ControlResult,
  ProductionChange,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ApproverDirectory } from '../kernel/approvers';
import type { ComplianceConfig } from '../kernel/config/complianceConfig';
import { reconcileDeployments } from './reconcileDeployments';
import type {
  AcceptedVulnerabilities,
  DeploymentLog,
  PromotionLog,
  ReleaseHistory,
} from './reportInputs';

const MAX_PERIOD_DAYS = 400;
const LIMIT = 1000;

/** API paths of one entity's records, for the evidence each control lists. */
export interface ReportLinks {
  evidence(id: string): string;
  release(version: string): string;
  promotions(): string;
  deployments(environment: string): string;
}

/**
 * SOC 2 evidence for one entity and period: CC8.1 (every production deployment in the
 * history covered by an approved promotion request of its release, or by a reviewed
 * emergency request; each request approved by someone other than its author, tested and
 * scanned), CC7.1 (each release that reached production scanned, no fixable critical/high
 * left unaccepted) and CC6.1 (who may promote).
 */
export class ComplianceReportService {
  constructor(
    private readonly deps: {
      evidence: ReleaseHistory;
      promotions: PromotionLog;
      allowlist: AcceptedVulnerabilities;
      approvers: ApproverDirectory;
      history: DeploymentLog;
      audit: AuditService;
      config: ComplianceConfig;
      /** The last of gantry.environments. */
      productionEnvironment: string;
      now?: () => Date;
    },
  ) {}

  async build(
    entityRef: string,
    from: string,
    to: string,
    links: ReportLinks,
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
    const fromIso = new Date(start).toISOString();
    const toIso = new Date(end).toISOString();
    const inPeriod = (t: string) => t >= fromIso && t < toIso;
    const now = this.deps.now?.() ?? new Date();
    const approvalEnvs = this.deps.config.approvals.environments;
    const production = this.deps.productionEnvironment;

    const allReleases = await this.deps.evidence.listReleases(entityRef, LIMIT);
    const byVersion = new Map(allReleases.map(r => [r.version, r]));
    const allRequests = await this.deps.promotions.list({
      entityRef,
      limit: LIMIT,
    });
    const requests = allRequests.filter(
      p =>
        inPeriod(p.createdAt) &&
        approvalEnvs.includes(p.environment) &&
        (p.status === 'approved' || p.status === 'emergency'),
    );
    const deployments = reconcileDeployments(
      await this.deps.history.between(entityRef, production, fromIso, toIso),
      allReleases,
      allRequests,
    );

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
          href: links.evidence(e.id),
        })),
      };
    });

    const cc81: string[] = [];
    const deployed = (d: (typeof deployments)[number]) =>
      `revision ${d.revision} deployed to ${d.environment} at ${d.startedAt} (${
        d.version ? `release ${d.version}` : 'no known release'
      }, application ${d.application})`;
    for (const d of deployments) {
      if (d.coverage === 'unapproved')
        cc81.push(
          `Production deployment without an approved promotion request: ${deployed(
            d,
          )}.`,
        );
      else if (d.coverage === 'emergency-unreviewed')
        cc81.push(
          `Emergency change not reviewed yet: ${deployed(d)}, request ${
            d.requestId
          }.`,
        );
    }
    const reportedEmergencies = new Set(
      deployments
        .filter(d => d.coverage === 'emergency-unreviewed')
        .map(d => d.requestId),
    );
    for (const c of changes) {
      const label = `${c.version} into ${c.environment} (request ${c.requestId})`;
      if (c.emergency) {
        if (!c.reviewedBy && !reportedEmergencies.has(c.requestId))
          cc81.push(
            `Emergency change not reviewed yet: ${label} has no after-the-fact review.`,
          );
      } else if (!c.approvals.some(a => a.by !== c.requestedBy)) {
        cc81.push(
          `${label}: no approval by someone other than ${c.requestedBy}.`,
        );
      }
      if (!c.testsPassed) cc81.push(`${label}: no passing test results.`);
      if (!c.scanned) cc81.push(`${label}: no vulnerability scan.`);
    }
    const coveringIds = new Set([
      ...deployments.flatMap(d => (d.requestId ? [d.requestId] : [])),
      ...changes.map(c => c.requestId),
    ]);
    const cc81Evidence: ControlEvidence[] = [
      ...deployments.map(d => ({
        kind: 'deployment' as const,
        id: d.deploymentId,
        label: `${d.revision} at ${d.startedAt}${
          d.version ? ` (release ${d.version})` : ''
        }: ${d.coverage}${d.requestId ? ` by request ${d.requestId}` : ''}`,
        href: links.deployments(d.environment),
      })),
      ...allRequests
        .filter(p => coveringIds.has(p.id))
        .map(p => ({
          kind: 'promotion' as const,
          id: p.id,
          label: `${p.version} into ${p.environment}: ${p.status}${
            p.emergency
              ? ` (emergency, review ${p.reviewStatus ?? 'pending'})`
              : ''
          }`,
          href: links.promotions(),
        })),
    ];

    const allowed = await this.deps.allowlist.activeIds(entityRef, now);
    const cc71: string[] = [];
    for (const d of deployments.filter(x => !x.release))
      cc71.push(
        `Revision ${d.revision} deployed at ${d.startedAt} maps to no release, so nothing shows it was scanned.`,
      );
    const shipped = [
      ...new Map(
        deployments.flatMap(d =>
          d.release ? [[d.release.version, d.release]] : [],
        ),
      ).values(),
    ];
    const cc71Evidence: ControlEvidence[] = [];
    for (const r of shipped) {
      const scans = r.evidence.filter(e => e.summary.vulnerabilities);
      cc71Evidence.push(
        {
          kind: 'release',
          id: r.version,
          label: `${r.version} (commit ${r.commit})`,
          href: links.release(r.version),
        },
        ...scans.map(e => ({
          kind: 'evidence' as const,
          id: e.id,
          label: `${r.version} ${e.format}: ${e.summary.headline}`,
          href: links.evidence(e.id),
        })),
      );
      if (scans.length === 0) {
        cc71.push(
          `Release ${r.version} reached production without a vulnerability scan.`,
        );
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
    const membersByGroup = await Promise.all(
      groups.map(
        async g => [g, await this.deps.approvers.membersOf(g)] as const,
      ),
    );
    const eligibleApprovers = [
      ...new Set(membersByGroup.flatMap(([, m]) => m)),
    ].sort();
    const cc61: string[] =
      eligibleApprovers.length < 2
        ? [
            `Only ${eligibleApprovers.length} person may approve promotions (${
              groups.join(', ') || 'no owner'
            }); segregation of duties needs at least two.`,
          ]
        : [];
    const cc61Evidence: ControlEvidence[] = eligibleApprovers.map(u => ({
      kind: 'approver',
      id: u,
      label: `member of ${membersByGroup
        .filter(([, m]) => m.includes(u))
        .map(([g]) => g)
        .join(', ')}`,
    }));

    const control = (
      c: ControlResult['control'],
      title: string,
      findings: string[],
      ok: string,
      evidence: ControlEvidence[],
    ): ControlResult => ({
      control: c,
      title,
      status: findings.length ? 'fail' : 'pass',
      summary: findings.length ? `${findings.length} finding(s)` : ok,
      findings,
      evidence,
    });
    return {
      entityRef,
      from: fromIso,
      to: toIso,
      generatedAt: now.toISOString(),
      auditHead: await this.deps.audit.head(),
      controls: [
        control(
          'CC8.1',
          'Change management',
          cc81,
          `${deployments.length} production deployment(s), each covered by an approved promotion request or a reviewed emergency; ${changes.length} request(s), each approved by someone other than its author, tested and scanned.`,
          cc81Evidence,
        ),
        control(
          'CC7.1',
          'Vulnerability management',
          cc71,
          `${shipped.length} release(s) reached production, each scanned; no fixable critical/high left unaccepted.`,
          cc71Evidence,
        ),
        control(
          'CC6.1',
          'Logical access: who may promote',
          cc61,
          `${
            eligibleApprovers.length
          } people may approve: ${eligibleApprovers.join(', ')}.`,
          cc61Evidence,
        ),
      ],
      changes,
      deployments: deployments.map(({ release: _release, ...d }) => d),
      eligibleApprovers,
    };
  }
}
