import type { PromotionStore } from '../approvals/PromotionStore';
import type { EvidenceService } from '../evidence/EvidenceService';
import type { AllowlistStore } from '../gates/AllowlistStore';
import type { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { ComplianceReportService } from './ComplianceReportService';
import { createReportRouter } from './router';

/** The SOC 2 compliance report (JSON and CSV). */
export function createReport(
  ctx: GantryContext,
  deps: {
    evidence: EvidenceService;
    promotions: PromotionStore;
    allowlist: AllowlistStore;
    approvers: ApproverDirectory;
  },
) {
  const reports = new ComplianceReportService({
    ...deps,
    audit: ctx.audit,
    config: ctx.compliance,
  });
  return { router: createReportRouter({ access: ctx.access, reports }) };
}
