import type { EvidenceStore } from '../evidence/EvidenceStore';
import { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { PromotionService } from './PromotionService';
import { PromotionStore } from './PromotionStore';
import { createPromotionsRouter } from './router';

/** Promotion requests and their four-eyes decisions. */
export function createApprovals(
  ctx: GantryContext,
  deps: { evidence: EvidenceStore },
) {
  const store = new PromotionStore(ctx.db);
  const approvers = new ApproverDirectory(ctx.catalog, ctx.auth);
  const promotions = new PromotionService({
    store,
    evidence: deps.evidence,
    audit: ctx.audit,
    approvers,
    notifier: ctx.notifier,
    config: ctx.compliance.approvals,
    environments: ctx.config.environments,
    logger: ctx.logger,
  });
  return {
    router: createPromotionsRouter({ ...ctx, promotions }),
    promotions,
    store,
    approvers,
  };
}
