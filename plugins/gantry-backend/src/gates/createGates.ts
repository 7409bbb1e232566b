import type { GantryContext } from '../kernel/context';
import { AllowlistService } from './AllowlistService';
import { KnexAllowlistStore } from './KnexAllowlistStore';
import { GateService, type GateSignal } from './GateService';
import type {
  ApprovalStates,
  PersonalDataDeclarations,
  ReleaseEvidence,
} from './gateInputs';
import { createGatesRouter } from './router';
import { GateOverrideService } from './GateOverrideService';
import { KnexGateOverrideStore } from './KnexGateOverrideStore';
import { readDrDrillConfig } from './drDrillConfig';
import { readChaosDrillConfig } from './chaosDrillConfig';
import { readDpiaConfig } from './dpiaConfig';
import { readLoadTestConfig } from './loadTestConfig';

/** The release gate per environment and the vulnerability allowlist; signals (SLO budget, …) plug in. */
export function createGates(
  ctx: GantryContext,
  deps: {
    evidence: ReleaseEvidence;
    promotions: ApprovalStates;
    signals: GateSignal[];
    personalData?: PersonalDataDeclarations;
  },
) {
  const allowlistStore = new KnexAllowlistStore(ctx.db);
  const overrideStore = new KnexGateOverrideStore(ctx.db);
  const gates = new GateService({
    config: ctx.compliance,
    environments: ctx.config.environments,
    evidence: deps.evidence,
    promotions: deps.promotions,
    allowlist: allowlistStore,
    signals: deps.signals,
    loadTest: readLoadTestConfig(ctx.rootConfig, ctx.config.environments),
    drDrill: readDrDrillConfig(ctx.rootConfig),
    chaosDrill: readChaosDrillConfig(ctx.rootConfig, ctx.config.environments),
    dpia: readDpiaConfig(ctx.rootConfig),
    personalData: deps.personalData,
    overrides: overrideStore,
  });
  return {
    router: createGatesRouter({
      access: ctx.access,
      gates,
      allowlist: new AllowlistService(allowlistStore, ctx.audit),
      overrides: new GateOverrideService({
        store: overrideStore,
        audit: ctx.audit,
        environments: ctx.config.environments,
        releases: deps.evidence,
      }),
    }),
    gates,
    allowlistStore,
  };
}
