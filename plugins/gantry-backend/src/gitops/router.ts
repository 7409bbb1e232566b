import { InputError } from '@backstage/errors';
import { gantryPromotionRequestPermission } from '@gantry/plugin-gantry-common';
import Router from 'express-promise-router';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import type { GitopsService } from './GitopsService';

const ID = /^[0-9a-f-]{36}$/;

export function createGitopsRouter(deps: {
  access: EntityAccess;
  gitops: GitopsService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  router.get(`${entity}/gitops-changes`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.gitops.list(entityRef) });
  });

  /** Writes the change of an approved request again after a failure; returns the recorded one if it exists. */
  router.post(`${entity}/promotions/:id/gitops`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryPromotionRequestPermission,
    );
    if (!ID.test(req.params.id))
      throw new InputError(`Invalid promotion request id '${req.params.id}'.`);
    res.json(
      await deps.gitops.apply(entityRef, req.params.id, actorOf(credentials)),
    );
  });

  return router;
}
