import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  gantryAlertIngestPermission,
  gantryArgoCdRollbackPermission,
  gantryFlagKillPermission,
  gantryIncidentAcknowledgePermission,
  gantryRolloutAbortPermission,
  incidentTraceWindow,
  traceLink,
  type Incident,
} from '@gantry/plugin-gantry-common';
import type { Entity } from '@backstage/catalog-model';
import Router from 'express-promise-router';
import { z } from 'zod';
import { authorize } from '../kernel/http/authorize';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf } from '../kernel/http/principal';
import { parseBody } from '../kernel/http/validate';
import { alertmanagerWebhook } from './alertmanagerPayload';
import type { IncidentIntake } from './IncidentIntake';
import type { IncidentQueries } from './IncidentQueries';
import type { IncidentRemedies } from './IncidentRemedies';

const NAME = z.string().min(1).max(253);
const remedyBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('abort-rollout'),
    cluster: NAME,
    namespace: NAME,
    name: NAME,
  }),
  z.object({
    kind: z.literal('argocd-rollback'),
    instance: NAME,
    application: NAME,
    historyId: z.number().int().nonnegative(),
    revision: z.string().min(1).max(255),
  }),
  z.object({ kind: z.literal('flag-off'), environment: NAME, key: NAME }),
]);
const PERMISSION = {
  'abort-rollout': gantryRolloutAbortPermission,
  'argocd-rollback': gantryArgoCdRollbackPermission,
  'flag-off': gantryFlagKillPermission,
};

export function createIncidentsRouter(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  access: EntityAccess;
  intake: IncidentIntake;
  queries: IncidentQueries;
  remedies: IncidentRemedies;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  /** Alertmanager's webhook receiver (version 4 payloads); redelivery changes nothing. */
  router.post('/alerts/alertmanager', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['service'],
    });
    await authorize(deps.permissions, credentials, gantryAlertIngestPermission);
    const payload = parseBody(alertmanagerWebhook, req.body);
    res.status(202).json(await deps.intake.receive(payload));
  });

  router.get('/incidents/on-call', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json(await deps.queries.listOwned(credentials));
  });

  const traced = <T extends Incident>(e: Entity, i: T): T => {
    const traceUrl = traceLink(e, incidentTraceWindow(i, new Date()));
    return traceUrl ? { ...i, traceUrl } : i;
  };

  router.get(`${entity}/incidents`, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    res.json({
      items: (await deps.queries.listForEntity(entityRef)).map(i =>
        traced(e, i),
      ),
    });
  });

  router.get(`${entity}/incidents/:id`, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    res.json(
      traced(e, await deps.remedies.detail(e, entityRef, req.params.id)),
    );
  });

  router.post(`${entity}/incidents/:id/acknowledge`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryIncidentAcknowledgePermission,
    );
    res.json(
      await deps.queries.acknowledge(
        req.params.id,
        entityRef,
        actorOf(credentials),
      ),
    );
  });

  router.post(`${entity}/incidents/:id/remedies`, async (req, res) => {
    const requested = parseBody(remedyBody, req.body);
    const {
      credentials,
      entity: e,
      entityRef,
    } = await deps.access.resolve(req, PERMISSION[requested.kind]);
    res.json(
      await deps.remedies.applyRemedy({
        entity: e,
        entityRef,
        id: req.params.id,
        requested,
        actor: actorOf(credentials),
      }),
    );
  });

  return router;
}
