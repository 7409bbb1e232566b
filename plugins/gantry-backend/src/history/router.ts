import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  deploymentTraceWindow,
  gantryDeploymentIngestPermission,
  traceLink,
} from '@gantry/plugin-gantry-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { authorize } from '../kernel/http/authorize';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { rateLimit } from '../kernel/http/rateLimit';
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
  rootConfig: Config;
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
    const { entity: e, entityRef } = await deps.access.resolve(req);
    const q = parseQuery(historyQuery, req.query);
    const page = await deps.history.list({ entityRef, ...q });
    const now = new Date();
    res.json({
      ...page,
      items: page.items.map(d => {
        const traceUrl = traceLink(e, deploymentTraceWindow(d, now));
        return traceUrl ? { ...d, traceUrl } : d;
      }),
    });
  });

  const doraLimit = rateLimit({
    httpAuth: deps.httpAuth,
    config: deps.rootConfig,
    route: 'dora',
  });
  router.get(`${entity}/dora`, doraLimit, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    const q = parseQuery(doraQuery, req.query);
    res.json(await deps.history.dora(entityRef, q.environment, q.period));
  });

  return router;
}
