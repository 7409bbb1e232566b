import type { ApproverDirectory } from '../kernel/approvers';
import type { GantryContext } from '../kernel/context';
import { rateLimit } from '../kernel/http/rateLimit';
import { ComplianceReportService } from './ComplianceReportService';
import type {
  AcceptedVulnerabilities,
  DeploymentLog,
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
    history: DeploymentLog;
  },
) {
  const environments = ctx.config.environments;
  const reports = new ComplianceReportService({
    ...deps,
    audit: ctx.audit,
    config: ctx.compliance,
    productionEnvironment: environments[environments.length - 1],
  });
  return {
    router: createReportRouter({
      access: ctx.access,
      reports,
      limit: rateLimit({
        httpAuth: ctx.httpAuth,
        config: ctx.rootConfig,
        route: 'complianceReport',
      }),
    }),
  };
}
