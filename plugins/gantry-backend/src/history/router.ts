import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { gantryDeploymentIngestPermission } from '@gantry/plugin-gantry-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { authorize } from '../kernel/http/authorize';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseBody, parseQuery } from '../kernel/http/validate';
import type { DeploymentHistoryService } from './DeploymentHistoryService';
import { deploymentEvent } from './webhookPayloads';

const historyQuery = z.object({
  environment: z.string().min(1).max(63).optional(),
  before: z
    .string()
    .datetime({ message: 'must be a startedAt from the previous page' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const doraQuery = z.object({
  environment: z.string().min(1).max(63),
  period: z.enum(['7d', '30d', '90d', '365d']).default('30d'),
});

export function createHistoryRouter(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  access: EntityAccess;
  history: DeploymentHistoryService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  /**
   * Argo CD and Argo Rollouts notification webhooks. Only services (a static or JWKS
   * external-access token) may report deployments; redelivery is harmless.
   */
  router.post('/deployments/events', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['service'],
    });
    await authorize(
      deps.permissions,
      credentials,
      gantryDeploymentIngestPermission,
    );
    const event = parseBody(deploymentEvent, req.body);
    res.status(202).json(await deps.history.ingest(event));
  });

  router.get(`${entity}/deployments/history`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    const q = parseQuery(historyQuery, req.query);
    res.json(await deps.history.list({ entityRef, ...q }));
  });

  router.get(`${entity}/dora`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    const q = parseQuery(doraQuery, req.query);
    res.json(await deps.history.dora(entityRef, q.environment, q.period));
  });

  return router;
}
