import { InputError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type EvidenceRecord,
  type GateRuleResult,
  type GateVerdict,
} from '@gantry/plugin-gantry-common';
import type {
  ComplianceConfig,
  GateRule,
} from '../kernel/config/complianceConfig';
import type { ApprovalStates, ReleaseEvidence } from './gateInputs';
import type { AllowlistStore } from './AllowlistStore';
import type { GateSignal } from '../kernel/ports';

export type { GateSignal };

const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const list = (items: string[], max = 5) =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

export class GateService {
  constructor(
    private readonly deps: {
      config: ComplianceConfig;
      environments: string[];
      evidence: ReleaseEvidence;
      promotions: ApprovalStates;
      allowlist: AllowlistStore;
      signals: GateSignal[];
      now?: () => Date;
    },
  ) {}

  policyOf(entity: Entity): string {
    return (
      entity.metadata.annotations?.[ANNOTATIONS.compliancePolicy] || 'default'
    );
  }

  async evaluate(
    entity: Entity,
    entityRef: string,
    version: string,
    environment: string,
  ): Promise<GateVerdict> {
    const { config, environments } = this.deps;
    if (!environments.includes(environment)) {
      throw new InputError(
        `Unknown environment '${environment}'. Configured environments: ${environments.join(
          ', ',
        )}.`,
      );
    }
    const policy = this.policyOf(entity);
    const rules = config.policies[policy]?.[environment];
    if (!rules) {
      throw new InputError(
        `${entityRef} asks for compliance policy '${policy}' (annotation ${
          ANNOTATIONS.compliancePolicy
        }), which has no rules for ${environment}. Known policies: ${Object.keys(
          config.policies,
        ).join(', ')}.`,
      );
    }
    const release = await this.deps.evidence.getRelease(entityRef, version);
    const now = this.deps.now?.() ?? new Date();
    const results: GateRuleResult[] = [];
    for (const rule of rules) {
      results.push(
        await this.rule(rule, {
          entity,
          entityRef,
          version,
          environment,
          evidence: release.evidence,
          imageDigest: release.imageDigest,
          now,
        }),
      );
    }
    return {
      entityRef,
      version,
      environment,
      policy,
      verdict: results.every(r => r.status !== 'fail') ? 'pass' : 'fail',
      evaluatedAt: now.toISOString(),
      rules: results,
    };
  }

  private async rule(
    rule: GateRule,
    ctx: {
      entity: Entity;
      entityRef: string;
      version: string;
      environment: string;
      evidence: EvidenceRecord[];
      imageDigest?: string;
      now: Date;
    },
  ): Promise<GateRuleResult> {
    const ev = ctx.evidence;
    const pass = (reason: string): GateRuleResult => ({
      rule,
      status: 'pass',
      reason,
    });
    const fail = (reason: string): GateRuleResult => ({
      rule,
      status: 'fail',
      reason,
    });
    switch (rule) {
      case 'vulnerabilities': {
        const scans = ev.filter(e => e.summary.vulnerabilities);
        if (scans.length === 0)
          return fail(
            'No vulnerability scan uploaded (trivy, SARIF with security-severity, or CycloneDX with vulnerabilities).',
          );
        const allowed = await this.deps.allowlist.activeIds(
          ctx.entityRef,
          ctx.now,
        );
        const blocking = new Set<string>();
        const accepted = new Set<string>();
        for (const e of scans) {
          for (const f of e.summary.vulnerabilities!.findings) {
            if (
              !f.fixAvailable ||
              !this.deps.config.blockingSeverities.includes(f.severity)
            )
              continue;
            (allowed.has(f.id) ? accepted : blocking).add(f.id);
          }
        }
        if (blocking.size) {
          return fail(
            `${blocking.size} ${this.deps.config.blockingSeverities.join(
              '/',
            )} vulnerabilit${
              blocking.size === 1 ? 'y has' : 'ies have'
            } a fix available: ${list([
              ...blocking,
            ])}. Upgrade, or allowlist with a justification and expiry.`,
          );
        }
        return pass(
          `No fixable ${this.deps.config.blockingSeverities.join(
            '/',
          )} vulnerabilities in ${scans.length} scan(s)${
            accepted.size
              ? `; ${accepted.size} allowlisted (${list([...accepted])})`
              : ''
          }.`,
        );
      }
      case 'tests': {
        const runs = ev.filter(e => e.summary.tests);
        if (runs.length === 0)
          return fail(
            'No test results uploaded (JUnit XML or an in-toto test-result attestation).',
          );
        const failed = runs.reduce((n, e) => n + e.summary.tests!.failed, 0);
        const total = runs.reduce((n, e) => n + e.summary.tests!.total, 0);
        if (failed > 0) {
          const names = runs.flatMap(e =>
            e.summary.tests!.failures.map(f => f.name),
          );
          return fail(`${failed} of ${total} tests failed: ${list(names)}.`);
        }
        return pass(`${total} tests passed in ${runs.length} report(s).`);
      }
      case 'sbom': {
        const sbom = ev.find(e => e.summary.sbom);
        return sbom
          ? pass(
              `${sbom.summary.sbom!.format} ${
                sbom.summary.sbom!.specVersion
              } SBOM with ${sbom.summary.sbom!.components} components.`,
            )
          : fail('No SBOM uploaded (CycloneDX 1.4-1.6 JSON or SPDX 2.3 JSON).');
      }
      case 'provenance': {
        const prov = ev.filter(
          e => e.summary.provenance?.predicateType === SLSA_V1,
        );
        if (prov.length === 0)
          return fail(
            'No SLSA provenance v1 uploaded (in-toto statement, plain or in a DSSE envelope).',
          );
        const trusted = this.deps.config.trustedBuilders;
        const fromTrusted = prov.filter(
          e =>
            trusted.length === 0 ||
            trusted.includes(e.summary.provenance!.builderId ?? ''),
        );
        if (fromTrusted.length === 0) {
          return fail(
            `Provenance comes from ${list(
              prov.map(
                e => e.summary.provenance!.builderId ?? 'an unnamed builder',
              ),
            )}, not a trusted builder (${list(trusted)}).`,
          );
        }
        if (!ctx.imageDigest) {
          return fail(
            'The release has no image digest to match provenance against; upload evidence with ?imageDigest=sha256:<digest>.',
          );
        }
        const hex = ctx.imageDigest.replace(/^sha256:/, '');
        const match = fromTrusted.find(e =>
          e.summary.provenance!.subjects.some(s => s.sha256 === hex),
        );
        return match
          ? pass(
              `Provenance from ${
                match.summary.provenance!.builderId
              } covers image ${ctx.imageDigest}.`,
            )
          : fail(
              `No provenance subject has the deployed image digest ${ctx.imageDigest}.`,
            );
      }
      case 'secret-scan': {
        const scans = ev.filter(e => e.summary.codeScan?.secretScan);
        if (scans.length === 0)
          return fail(
            'No secret scan uploaded (SARIF from gitleaks, trufflehog, detect-secrets or a tool named *secret*).',
          );
        const findings = scans.reduce((n, e) => {
          const r = e.summary.codeScan!.results;
          return n + r.error + r.warning + r.note + r.none;
        }, 0);
        return findings === 0
          ? pass(
              `Secret scan clean (${list(
                scans.flatMap(e => e.summary.codeScan!.tools),
              )}).`,
            )
          : fail(
              `Secret scan reports ${findings} finding(s); rotate and remove the secrets, then scan again.`,
            );
      }
      case 'approvals': {
        if (!this.deps.promotions.needsApproval(ctx.environment))
          return {
            rule,
            status: 'not-applicable',
            reason: `${ctx.environment} needs no approval.`,
          };
        const state = await this.deps.promotions.approvalState(
          ctx.entityRef,
          ctx.version,
          ctx.environment,
        );
        if (state.approved) {
          return pass(
            `Approved by ${list(
              state.approved.decisions
                .filter(d => d.decision === 'approve')
                .map(d => d.decidedBy),
            )} (request ${state.approved.id}).`,
          );
        }
        if (state.emergency) {
          return pass(
            `Emergency promotion by ${state.emergency.requestedBy}; review ${
              state.emergency.reviewStatus === 'done'
                ? `done by ${state.emergency.reviewedBy}`
                : 'pending'
            }.`,
          );
        }
        if (!state.latest)
          return fail(
            `No promotion request for ${ctx.version} into ${ctx.environment}; request one from the Compliance tab.`,
          );
        return fail(
          `The promotion request ${state.latest.id} is ${state.latest.status}${
            state.latest.status === 'pending'
              ? ` (${
                  state.latest.decisions.filter(d => d.decision === 'approve')
                    .length
                } of ${state.latest.requiredApprovals} approvals)`
              : ''
          }.`,
        );
      }
      case 'slo-budget':
      case 'canary': {
        const signal = this.deps.signals.find(s => s.rule === rule);
        const result =
          signal &&
          (await signal.evaluate(ctx.entity, ctx.version, ctx.environment));
        return (
          result ?? {
            rule,
            status: 'not-applicable',
            reason:
              rule === 'slo-budget'
                ? 'No SLO service reports for this entity yet.'
                : 'No canary analysis reports for this release yet.',
          }
        );
      }
      default:
        return fail(`Unknown rule ${rule satisfies never}.`);
    }
  }
}
