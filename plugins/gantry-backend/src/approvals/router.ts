import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  gantryPromotionApprovePermission,
  gantryPromotionRequestPermission,
} from '@gantry/plugin-gantry-common';
import { authorize } from '../kernel/http/authorize';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { userRefOf } from '../kernel/http/principal';
import { parseBody } from '../kernel/http/validate';
import { versionParam } from '../kernel/http/versionParam';
import type { PromotionService } from './PromotionService';

const requestBody = z.object({
  environment: z
    .string()
    .min(1, { message: 'name the target environment, e.g. production' }),
  reason: z
    .string()
    .trim()
    .min(5, { message: 'say in a few words what the release changes' })
    .max(2000),
  emergency: z.boolean().default(false),
  requestedBy: z
    .string()
    .regex(/^user:[a-z0-9._-]+\/[A-Za-z0-9._-]+$/i, {
      message: 'must be a user entity ref such as user:default/alice',
    })
    .optional(),
});
const decisionBody = z.object({
  decision: z.enum(['approve', 'reject'], {
    errorMap: () => ({ message: 'must be "approve" or "reject"' }),
  }),
  comment: z.string().max(2000).optional(),
});
const reviewBody = z.object({
  comment: z.string().trim().min(1, { message: 'is required' }).max(2000),
});
const ID = /^[0-9a-f-]{36}$/;

export function createPromotionsRouter(deps: {
  access: EntityAccess;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  promotions: PromotionService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';
  const idParam = (id: string) => {
    if (!ID.test(id))
      throw new InputError(`Invalid promotion request id '${id}'.`);
    return id;
  };

  router.post(`${entity}/releases/:version/promotions`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryPromotionRequestPermission,
    );
    const version = versionParam(req.params.version);
    const { requestedBy: onBehalfOf, ...body } = parseBody(
      requestBody,
      req.body,
    );
    // A person requests for themselves. A pipeline (service token) requests on behalf of
    // the person who started it, who then counts as the requester for segregation of duties.
    let requestedBy = userRefOf(credentials);
    if (requestedBy && onBehalfOf && onBehalfOf !== requestedBy) {
      throw new NotAllowedError(
        'requestedBy is for pipelines; a signed-in person always requests as themselves.',
      );
    }
    if (!requestedBy) {
      if (!onBehalfOf) {
        throw new InputError(
          'A service token must say on whose behalf it asks: set requestedBy to the user entity ref of the person who started the pipeline.',
        );
      }
      await deps.promotions.assertKnownUser(onBehalfOf);
      requestedBy = onBehalfOf;
    }
    res.status(201).json(
      await deps.promotions.request({
        entityRef,
        version,
        requestedBy,
        ...body,
      }),
    );
  });

  router.get(`${entity}/promotions`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.promotions.listForEntity(entityRef) });
  });

  router.get('/promotions/awaiting', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json({
      items: await deps.promotions.awaiting(
        credentials.principal.userEntityRef,
      ),
    });
  });

  /** The signed-in approver and the request they act on, with the permission checked. */
  async function approverFor(req: Request) {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const p = await deps.promotions.get(idParam(req.params.id));
    await authorize(
      deps.permissions,
      credentials,
      gantryPromotionApprovePermission,
      p.entityRef,
    );
    return { id: p.id, userRef: credentials.principal.userEntityRef };
  }

  router.post('/promotions/:id/decision', async (req, res) => {
    const body = parseBody(decisionBody, req.body);
    res.json(
      await deps.promotions.decide({ ...(await approverFor(req)), ...body }),
    );
  });

  router.post('/promotions/:id/review', async (req, res) => {
    const body = parseBody(reviewBody, req.body);
    res.json(
      await deps.promotions.review({ ...(await approverFor(req)), ...body }),
    );
  });

  return router;
}
