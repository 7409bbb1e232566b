import type { GantryContext } from '../kernel/context';
import { AllowlistService } from './AllowlistService';
import { KnexAllowlistStore } from './KnexAllowlistStore';
import { GateService, type GateSignal } from './GateService';
import type { ApprovalStates, ReleaseEvidence } from './gateInputs';
import { createGatesRouter } from './router';

/** The release gate per environment and the vulnerability allowlist; signals (SLO budget, …) plug in. */
export function createGates(
  ctx: GantryContext,
  deps: {
    evidence: ReleaseEvidence;
    promotions: ApprovalStates;
    signals: GateSignal[];
  },
) {
  const allowlistStore = new KnexAllowlistStore(ctx.db);
  const gates = new GateService({
    config: ctx.compliance,
    environments: ctx.config.environments,
    evidence: deps.evidence,
    promotions: deps.promotions,
    allowlist: allowlistStore,
    signals: deps.signals,
  });
  return {
    router: createGatesRouter({
      access: ctx.access,
      gates,
      allowlist: new AllowlistService(allowlistStore, ctx.audit),
    }),
    gates,
    allowlistStore,
  };
}
