import { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { PromotionService, type ReleaseLookup } from './PromotionService';
import { KnexPromotionStore } from './KnexPromotionStore';
import { createPromotionsRouter } from './router';

/** Promotion requests and their four-eyes decisions. */
export function createApprovals(
  ctx: GantryContext,
  deps: { evidence: ReleaseLookup },
) {
  const store = new KnexPromotionStore(ctx.db);
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
