import type { PromotionService } from '../approvals/PromotionService';
import type { EvidenceService } from '../evidence/EvidenceService';
import type { GantryContext } from '../kernel/context';
import { AllowlistService } from './AllowlistService';
import { AllowlistStore } from './AllowlistStore';
import { GateService, type GateSignal } from './GateService';
import { createGatesRouter } from './router';

/** The release gate per environment and the vulnerability allowlist; signals (SLO budget, …) plug in. */
export function createGates(
  ctx: GantryContext,
  deps: {
    evidence: EvidenceService;
    promotions: PromotionService;
    signals: GateSignal[];
  },
) {
  const allowlistStore = new AllowlistStore(ctx.db);
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
