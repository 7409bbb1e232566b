import { InputError } from '@backstage/errors';
import Router from 'express-promise-router';
import {
  gantryRolloutAbortPermission,
  gantryRolloutPromoteFullPermission,
  gantryRolloutPromotePermission,
  gantryRolloutRetryPermission,
} from '@gantry/plugin-gantry-common';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseQuery } from '../kernel/http/validate';
import type { RolloutAttentionService } from './RolloutAttentionService';
import { actorOf } from '../kernel/http/principal';
import type { RolloutActionService } from './RolloutActionService';
import type { RolloutAction } from './rolloutPatches';

const PERMISSIONS = {
  promote: gantryRolloutPromotePermission,
  'promote-full': gantryRolloutPromoteFullPermission,
  abort: gantryRolloutAbortPermission,
  retry: gantryRolloutRetryPermission,
};
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const attentionQuery = z.object({
  scope: z.enum(['owned', 'all']).default('owned'),
});

export function createRolloutsRouter(deps: {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  rollouts: RolloutActionService;
  rolloutAttention: RolloutAttentionService;
}) {
  const router = Router();

  /** Rollouts awaiting promotion or paused on analysis, across what the caller owns. */
  router.get('/rollouts/attention', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const q = parseQuery(attentionQuery, req.query);
    res.json(await deps.rolloutAttention.list(credentials, q.scope));
  });

  router.post(
    '/entities/:namespace/:kind/:name/rollouts/:cluster/:rolloutNamespace/:rollout/:action',
    async (req, res) => {
      const action = req.params.action as RolloutAction;
      const permission = PERMISSIONS[action];
      if (!permission) {
        throw new InputError(
          `Unknown rollout action '${
            req.params.action
          }'. Use one of: ${Object.keys(PERMISSIONS).join(', ')}.`,
        );
      }
      for (const key of ['cluster', 'rolloutNamespace', 'rollout'] as const) {
        if (!NAME.test(req.params[key]))
          throw new InputError(
            `Invalid ${key} '${req.params[key]}': use a Kubernetes name.`,
          );
      }
      const { credentials, entity, entityRef } = await deps.access.resolve(
        req,
        permission,
      );
      res.json(
        await deps.rollouts.act({
          entity,
          entityRef,
          cluster: req.params.cluster,
          namespace: req.params.rolloutNamespace,
          name: req.params.rollout,
          action,
          actor: actorOf(credentials),
        }),
      );
    },
  );
  return router;
}
