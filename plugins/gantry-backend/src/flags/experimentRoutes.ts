import { gantryFlagUpdatePermission } from '@gantry/plugin-gantry-common';
import type { Router } from 'express';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import { parseBody } from '../kernel/http/validate';
import type { ExperimentService } from './ExperimentService';
import { experimentConfigBody, keyParam, rolloutWinnerBody } from './schemas';

/** Experiment results, configuration and winner roll-out for one flag. */
export function addExperimentRoutes(
  router: Router,
  deps: { access: EntityAccess; experiments: ExperimentService },
) {
  const path = '/entities/:namespace/:kind/:name/flags/:environment/:key';

  router.get(`${path}/experiment`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json(
      await deps.experiments.results(
        entityRef,
        req.params.environment,
        keyParam(req.params.key, 'flag key'),
      ),
    );
  });

  router.put(`${path}/experiment`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagUpdatePermission,
    );
    const config = parseBody(experimentConfigBody, req.body);
    res.json(
      await deps.experiments.configure({
        entityRef,
        environment: req.params.environment,
        flagKey: keyParam(req.params.key, 'flag key'),
        config,
        actor: actorOf(credentials),
      }),
    );
  });

  router.post(`${path}/experiment/rollout-winner`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagUpdatePermission,
    );
    const body = parseBody(rolloutWinnerBody, req.body);
    const result = await deps.experiments.rolloutWinner({
      entityRef,
      environment: req.params.environment,
      flagKey: keyParam(req.params.key, 'flag key'),
      reason: body.reason,
      actor: actorOf(credentials),
    });
    res.status(result.status === 'pending' ? 202 : 200).json(result);
  });
}
