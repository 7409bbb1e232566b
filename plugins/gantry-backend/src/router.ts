import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { Knex } from 'knex';
import type { HealthResponse } from '@gantry/plugin-gantry-common';
import type { AuditService } from './audit/AuditService';
import { createAuditRouter } from './audit/router';
import type { OverviewService } from './overview/OverviewService';
import { createOverviewRouter } from './overview/router';

export interface RouterDeps {
  db: Knex;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  audit: AuditService;
  overview: OverviewService;
}

/** Joins the per-domain routers; each validates, authorizes and calls its service. */
export async function createRouter(deps: RouterDeps): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', async (_req, res) => {
    await deps.db.raw('select 1');
    const body: HealthResponse = { status: 'ok', database: 'ok' };
    res.json(body);
  });

  router.use(createOverviewRouter(deps));
  router.use(createAuditRouter(deps));
  return router;
}
