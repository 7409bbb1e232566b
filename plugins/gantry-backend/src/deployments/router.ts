import Router from 'express-promise-router';
import type { EntityAccess } from '../http/EntityAccess';
import type { DeploymentsService } from './DeploymentsService';

export function createDeploymentsRouter(deps: {
  access: EntityAccess;
  deployments: DeploymentsService;
}) {
  const router = Router();
  router.get(
    '/entities/:namespace/:kind/:name/deployments',
    async (req, res) => {
      const { entity, entityRef } = await deps.access.resolve(req);
      res.json(await deps.deployments.forEntity(entity, entityRef));
    },
  );
  return router;
}
