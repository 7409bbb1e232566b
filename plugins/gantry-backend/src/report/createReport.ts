import type { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { ComplianceReportService } from './ComplianceReportService';
import type {
  AcceptedVulnerabilities,
  PromotionLog,
  ReleaseHistory,
} from './reportInputs';
import { createReportRouter } from './router';

/** The SOC 2 compliance report (JSON and CSV). */
export function createReport(
  ctx: GantryContext,
  deps: {
    evidence: ReleaseHistory;
    promotions: PromotionLog;
    allowlist: AcceptedVulnerabilities;
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
