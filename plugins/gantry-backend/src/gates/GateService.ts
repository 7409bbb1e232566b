import { InputError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type EvidenceRecord,
  type GateRuleResult,
  type GateVerdict,
} from '@gantry/plugin-gantry-common';
import {
  signatureRequiredBy,
  vulnerabilitySettingsOf,
  type ComplianceConfig,
  type GateRule,
} from '../kernel/config/complianceConfig';
import type {
  ApprovalStates,
  PersonalDataDeclarations,
  ReleaseEvidence,
} from './gateInputs';
import type { AllowlistStore } from './AllowlistStore';
import type { GateOverrideStore } from './GateOverrideStore';
import type { DrDrillConfig } from './drDrillConfig';
import type { ChaosDrillConfig } from './chaosDrillConfig';
import type { DpiaConfig } from './dpiaConfig';
import type { LoadTestConfig } from './loadTestConfig';
import { drDrillRule } from './rules/drDrill';
import { chaosDrillRule } from './rules/chaosDrill';
import { dpiaRule } from './rules/dpia';
import { loadTestRule } from './rules/loadTest';
import { migrationsRule } from './rules/migrations';
import type { GateSignal } from '../kernel/ports';
import { provenanceRule } from './rules/provenance';
import { sbomRule } from './rules/sbom';
import { secretScanRule } from './rules/secretScan';
import { testsRule } from './rules/tests';
import { vulnerabilitiesRule } from './rules/vulnerabilities';

export type { GateSignal };

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
      /** The opt-in rules' settings and overrides; a policy naming them without these fails them. */
      loadTest?: LoadTestConfig;
      drDrill?: DrDrillConfig;
      chaosDrill?: ChaosDrillConfig;
      dpia?: DpiaConfig;
      personalData?: PersonalDataDeclarations;
      overrides?: Pick<GateOverrideStore, 'find'>;
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
          policy,
          evidence: release.evidence,
          imageDigest: release.imageDigest,
          createdAt: release.createdAt,
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
      policy: string;
      evidence: EvidenceRecord[];
      imageDigest?: string;
      createdAt: string;
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
      case 'vulnerabilities':
        return vulnerabilitiesRule(ctx, {
          blockingSeverities: this.deps.config.blockingSeverities,
          settings: vulnerabilitySettingsOf(this.deps.config, ctx.policy),
          evidence: this.deps.evidence,
          allowlist: this.deps.allowlist,
        });
      case 'tests':
        return testsRule(ev);
      case 'sbom':
        return sbomRule(ev);
      case 'provenance':
        return provenanceRule(ev, {
          trustedBuilders: this.deps.config.trustedBuilders,
          requireSignature: signatureRequiredBy(this.deps.config, ctx.policy),
          imageDigest: ctx.imageDigest,
        });
      case 'secret-scan':
        return secretScanRule(ev);
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
      case 'migrations':
        return migrationsRule(ctx, {
          isRecorded: (entityRef, version) =>
            this.deps.evidence.getRelease(entityRef, version).then(
              () => true,
              e => {
                if ((e as Error).name === 'NotFoundError') return false;
                throw e;
              },
            ),
        });
      case 'load-test':
        if (!this.deps.loadTest || !this.deps.overrides)
          return fail('The load-test rule is not set up in this backend.');
        return loadTestRule(ctx, {
          config: this.deps.loadTest,
          releases: this.deps.evidence,
          promotions: this.deps.promotions,
          overrides: this.deps.overrides,
        });
      case 'dr-drill':
        if (!this.deps.drDrill)
          return fail('The dr-drill rule is not set up in this backend.');
        return drDrillRule(ctx, {
          config: this.deps.drDrill,
          releases: this.deps.evidence,
        });
      case 'chaos-drill':
        if (!this.deps.chaosDrill)
          return fail('The chaos-drill rule is not set up in this backend.');
        return chaosDrillRule(ctx, {
          config: this.deps.chaosDrill,
          releases: this.deps.evidence,
        });
      case 'dpia':
        if (!this.deps.dpia || !this.deps.personalData)
          return fail('The dpia rule is not set up in this backend.');
        return dpiaRule(ctx, {
          config: this.deps.dpia,
          personalData: this.deps.personalData,
          releases: this.deps.evidence,
        });
      default:
        return fail(`Unknown rule ${rule satisfies never}.`);
    }
  }
}
