import { InputError } from '@backstage/errors';
import Router from 'express-promise-router';
import {
  gantryArgoCdRefreshPermission,
  gantryArgoCdRollbackPermission,
  gantryArgoCdSyncPermission,
} from '@gantry/plugin-gantry-common';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import { parseBody, parseQuery } from '../kernel/http/validate';
import { argocdActionBody, rollbackCheckQuery } from './actionBody';
import type { ArgoCdAction, ArgoCdActionService } from './ArgoCdActionService';
import type { DeploymentsService } from './DeploymentsService';

// Turning automated sync back on makes Argo CD sync on its own: it needs the sync permission.
const PERMISSIONS: Record<ArgoCdAction, typeof gantryArgoCdSyncPermission> = {
  sync: gantryArgoCdSyncPermission,
  refresh: gantryArgoCdRefreshPermission,
  rollback: gantryArgoCdRollbackPermission,
  'enable-auto-sync': gantryArgoCdSyncPermission,
};
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function checkNames(params: { instance: string; application: string }) {
  for (const key of ['instance', 'application'] as const) {
    if (!NAME.test(params[key]))
      throw new InputError(`Invalid ${key} '${params[key]}'.`);
  }
}

export function createDeploymentsRouter(deps: {
  access: EntityAccess;
  deployments: DeploymentsService;
  argocdActions: ArgoCdActionService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  router.get(`${entity}/deployments`, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    res.json(await deps.deployments.forEntity(e, entityRef));
  });

  // Read-only: the rollback dialog asks before it offers to confirm.
  router.get(
    `${entity}/argocd/:instance/applications/:application/rollback-check`,
    async (req, res) => {
      const { entity: e, entityRef } = await deps.access.resolve(req);
      checkNames(req.params);
      const { id } = parseQuery(rollbackCheckQuery, req.query);
      res.json(
        await deps.argocdActions.rollbackCheck({
          entity: e,
          entityRef,
          instance: req.params.instance,
          name: req.params.application,
          historyId: id,
        }),
      );
    },
  );

  router.post(
    `${entity}/argocd/:instance/applications/:application/:action`,
    async (req, res) => {
      const action = req.params.action as ArgoCdAction;
      const permission = Object.hasOwn(PERMISSIONS, action)
        ? PERMISSIONS[action]
        : undefined;
      if (!permission) {
        throw new InputError(
          `Unknown Argo CD action '${
            req.params.action
          }'. Use one of: ${Object.keys(PERMISSIONS).join(', ')}.`,
        );
      }
      checkNames(req.params);
      const body = parseBody(argocdActionBody, req.body ?? {});
      const {
        credentials,
        entity: e,
        entityRef,
      } = await deps.access.resolve(req, permission);
      res.json(
        await deps.argocdActions.act({
          entity: e,
          entityRef,
          instance: req.params.instance,
          name: req.params.application,
          action,
          historyId: body.id,
          release: body.release,
          emergency: body.emergency,
          automated: body.automated,
          acknowledgeIrreversibleMigration:
            body.acknowledgeIrreversibleMigration,
          actor: actorOf(credentials),
        }),
      );
    },
  );

  return router;
}
