import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { Knex } from 'knex';
import type { HealthResponse } from '@gantry/plugin-gantry-common';
import type { PromotionService } from './approvals/PromotionService';
import { createPromotionsRouter } from './approvals/router';
import type { AuditService } from './audit/AuditService';
import { createAuditRouter } from './audit/router';
import type { EvidenceService } from './evidence/EvidenceService';
import { createEvidenceRouter } from './evidence/router';
import type { AllowlistService } from './gates/AllowlistService';
import type { GateService } from './gates/GateService';
import { createGatesRouter } from './gates/router';
import type { EntityAccess } from './http/EntityAccess';
import type { OverviewService } from './overview/OverviewService';
import type { ComplianceReportService } from './report/ComplianceReportService';
import type { RolloutActionService } from './rollouts/RolloutActionService';
import type { DeploymentsService } from './deployments/DeploymentsService';
import type { ArgoCdActionService } from './deployments/ArgoCdActionService';
import { createDeploymentsRouter } from './deployments/router';
import type { CanaryAnalysisService } from './canary/CanaryAnalysisService';
import { createCanaryRouter } from './canary/router';
import type { DeploymentHistoryService } from './history/DeploymentHistoryService';
import { createHistoryRouter } from './history/router';
import type { IncidentService } from './incidents/IncidentService';
import { createIncidentsRouter } from './incidents/router';
import type { RolloutAttentionService } from './rollouts/RolloutAttentionService';
import { createRolloutsRouter } from './rollouts/router';
import { createReportRouter } from './report/router';
import { createOverviewRouter } from './overview/router';
import type { SloService } from './slo/SloService';
import { createSloRouter } from './slo/router';

export interface RouterDeps {
  db: Knex;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  access: EntityAccess;
  audit: AuditService;
  overview: OverviewService;
  evidence: EvidenceService;
  gates: GateService;
  allowlist: AllowlistService;
  promotions: PromotionService;
  reports: ComplianceReportService;
  rollouts: RolloutActionService;
  deployments: DeploymentsService;
  argocdActions: ArgoCdActionService;
  canary: CanaryAnalysisService;
  history: DeploymentHistoryService;
  incidents: IncidentService;
  rolloutAttention: RolloutAttentionService;
  slos: SloService;
}

/** Joins the per-domain routers; each validates, authorizes and calls its service. */
export async function createRouter(deps: RouterDeps): Promise<express.Router> {
  const router = Router();
  // Evidence uploads read their own raw body; everything else is JSON.
  router.use(createEvidenceRouter(deps));
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', async (_req, res) => {
    await deps.db.raw('select 1');
    const body: HealthResponse = { status: 'ok', database: 'ok' };
    res.json(body);
  });

  router.use(createOverviewRouter(deps));
  router.use(createAuditRouter(deps));
  router.use(createGatesRouter(deps));
  router.use(createPromotionsRouter(deps));
  router.use(createReportRouter(deps));
  router.use(createRolloutsRouter(deps));
  router.use(createDeploymentsRouter(deps));
  router.use(createCanaryRouter(deps));
  router.use(createHistoryRouter(deps));
  router.use(createIncidentsRouter(deps));
  router.use(createSloRouter(deps));
  return router;
}
