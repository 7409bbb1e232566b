import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import type { OverviewService } from './OverviewService';
import { entityRefParams } from '../kernel/http/entityRefParams';

export function createOverviewRouter(deps: {
  httpAuth: HttpAuthService;
  overview: OverviewService;
}) {
  const router = Router();
  router.get('/entities/:namespace/:kind/:name/overview', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await deps.overview.getOverview(entityRefParams(req.params), credentials),
    );
  });
  return router;
}
