import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { z } from 'zod';
import Router from 'express-promise-router';
import {
  gantryFlagApprovePermission,
  gantryFlagKeysManagePermission,
  gantryFlagKillPermission,
  gantryFlagUpdatePermission,
  type FlagInput,
  type FlagWriteResult,
  type StaleEditResponse,
} from '@gantry/plugin-gantry-common';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf, userRefOf } from '../kernel/http/principal';
import { parseBody, parseQuery } from '../kernel/http/validate';
import type { CleanupReportService } from './CleanupReportService';
import type { ClientKeyService } from './ClientKeyService';
import type { FlagApprovalService } from './FlagApprovalService';
import type { ExperimentService } from './ExperimentService';
import type { FlagService } from './FlagService';
import type { Proposal } from './proposals';
import type { FlagUsageService } from './FlagUsageService';
import type { LinkedSloCheck } from './LinkedSloCheck';
import { StaleVersionError } from './StaleVersionError';
import { flagEditErrorToBadRequest, parseEditBody } from './FlagEditError';
import { addExperimentRoutes } from './experimentRoutes';
import {
  createKeyBody,
  decisionBody,
  deleteBody,
  flagWriteBody,
  keyParam,
  killBody,
  restoreBody,
  reviewBody,
  segmentWriteBody,
  usageQuery,
} from './schemas';

function ownerOf(entity: Entity): string {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} has no spec.owner; name the flag owner in the request.`,
    );
  }
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
}

function sendWrite(res: import('express').Response, result: FlagWriteResult) {
  res.status(result.status === 'pending' ? 202 : 200).json(result);
}

/** Answers a stale edit with 412 and the current state, in Backstage's error shape. */
const staleToPreconditionFailed: ErrorRequestHandler = (
  err,
  req,
  res,
  next,
) => {
  if (!(err instanceof StaleVersionError)) {
    next(err);
    return;
  }
  const body: StaleEditResponse & Record<string, unknown> = {
    error: { name: 'PreconditionFailedError', message: err.message },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: 412 },
    current: err.current,
  };
  res.status(412).json(body);
};

/** The flag control plane for Backstage users: flags, segments, approvals, keys, cleanup. */
export function createFlagsRouter(deps: {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  flags: FlagService;
  approvals: FlagApprovalService;
  keys: ClientKeyService;
  cleanup: CleanupReportService;
  usage: FlagUsageService;
  experiments: ExperimentService;
  linkedSlos: LinkedSloCheck;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  router.get(`${entity}/flags`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    const environment =
      typeof req.query.environment === 'string'
        ? req.query.environment
        : undefined;
    res.json({ items: await deps.flags.listFlags(entityRef, environment) });
  });

  router.get(`${entity}/flags/cleanup-report`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json(await deps.cleanup.report(entityRef));
  });

  router.get(`${entity}/flags/usage`, async (req, res) => {
    const { entity: e, entityRef } = await deps.access.resolve(req);
    const q = parseQuery(usageQuery, req.query);
    res.json(await deps.usage.usage(e, entityRef, q.environment, q.hours));
  });

  router.get(`${entity}/flags/history`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.flags.history(entityRef) });
  });

  router.get(`${entity}/flags/:environment/:key`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json(
      await deps.flags.getFlag(
        entityRef,
        req.params.environment,
        keyParam(req.params.key, 'flag key'),
      ),
    );
  });

  /**
   * Every flag and segment edit: the caller may update the entity's flags, the body is
   * valid, and the change is proposed on the version it was made on (applied, or left
   * for approval in an approval environment).
   */
  const proposeChange = async <T extends z.ZodTypeAny>(
    req: Request,
    res: Response,
    schema: T,
    proposal: (
      body: z.infer<T>,
      entity: Entity,
    ) => Proposal | Promise<Proposal>,
  ) => {
    const {
      credentials,
      entity: e,
      entityRef,
    } = await deps.access.resolve(req, gantryFlagUpdatePermission);
    const body = parseEditBody(schema, req.body);
    sendWrite(
      res,
      await deps.flags.write({
        entityRef,
        environment: req.params.environment,
        proposal: await proposal(body, e),
        baseVersion: body.baseVersion,
        reason: body.reason,
        actor: actorOf(credentials),
      }),
    );
  };

  router.put(`${entity}/flags/:environment/:key`, (req, res) =>
    proposeChange(req, res, flagWriteBody, async (body, e) => {
      const input = deps.flags.completeInput(
        body.flag as FlagInput,
        body.flag.owner ?? ownerOf(e),
      );
      await deps.linkedSlos.check(e, input.definition);
      return {
        target: 'flag',
        operation: 'upsert',
        key: keyParam(req.params.key, 'flag key'),
        input,
      };
    }),
  );

  router.delete(`${entity}/flags/:environment/:key`, (req, res) =>
    proposeChange(req, res, deleteBody, () => ({
      target: 'flag',
      operation: 'delete',
      key: keyParam(req.params.key, 'flag key'),
    })),
  );

  router.post(`${entity}/flags/:environment/:key/kill`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagKillPermission,
    );
    const body = parseBody(killBody, req.body);
    res.json(
      await deps.flags.kill({
        entityRef,
        environment: req.params.environment,
        key: keyParam(req.params.key, 'flag key'),
        reason: body.reason,
        actor: actorOf(credentials),
      }),
    );
  });

  router.post(`${entity}/flags/:environment/:key/restore`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagUpdatePermission,
    );
    const body = parseBody(restoreBody, req.body);
    sendWrite(
      res,
      await deps.flags.restore({
        entityRef,
        environment: req.params.environment,
        key: keyParam(req.params.key, 'flag key'),
        baseVersion: body.baseVersion,
        reason: body.reason,
        actor: actorOf(credentials),
      }),
    );
  });

  router.get(`${entity}/flag-segments`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.flags.listSegments(entityRef) });
  });

  router.put(`${entity}/flag-segments/:environment/:segment`, (req, res) =>
    proposeChange(req, res, segmentWriteBody, body => ({
      target: 'segment',
      operation: 'upsert',
      key: keyParam(req.params.segment, 'segment name'),
      input: body.segment,
    })),
  );

  router.delete(`${entity}/flag-segments/:environment/:segment`, (req, res) =>
    proposeChange(req, res, deleteBody, () => ({
      target: 'segment',
      operation: 'delete',
      key: keyParam(req.params.segment, 'segment name'),
    })),
  );

  router.get('/flag-changes/awaiting', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.json({
      items: await deps.approvals.awaiting(credentials.principal.userEntityRef),
    });
  });

  router.get(`${entity}/flag-changes`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.approvals.listChanges(entityRef) });
  });

  const approver = async (req: import('express').Request) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagApprovePermission,
    );
    const userRef = userRefOf(credentials);
    if (!userRef) {
      throw new NotAllowedError(
        'Flag changes are approved and reviewed by people: sign in as a user, not a service.',
      );
    }
    // The permission was checked on the entity in the URL, so only its changes are reachable.
    return { userRef, entityRef };
  };

  router.post(`${entity}/flag-changes/:id/decision`, async (req, res) => {
    const who = await approver(req);
    const body = parseBody(decisionBody, req.body);
    res.json(
      await deps.approvals.decide({ id: req.params.id, ...who, ...body }),
    );
  });

  router.post(`${entity}/flag-changes/:id/review`, async (req, res) => {
    const who = await approver(req);
    const body = parseBody(reviewBody, req.body);
    res.json(
      await deps.approvals.review({ id: req.params.id, ...who, ...body }),
    );
  });

  router.get(`${entity}/flag-keys`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.keys.list(entityRef) });
  });

  router.post(`${entity}/flag-keys`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagKeysManagePermission,
    );
    const body = parseBody(createKeyBody, req.body);
    res.status(201).json(
      await deps.keys.create({
        entityRef,
        ...body,
        actor: actorOf(credentials),
      }),
    );
  });

  router.post(`${entity}/flag-keys/:id/rotate`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagKeysManagePermission,
    );
    res.json(
      await deps.keys.rotate({
        entityRef,
        id: req.params.id,
        actor: actorOf(credentials),
      }),
    );
  });

  router.delete(`${entity}/flag-keys/:id`, async (req, res) => {
    const { credentials, entityRef } = await deps.access.resolve(
      req,
      gantryFlagKeysManagePermission,
    );
    await deps.keys.revoke({
      entityRef,
      id: req.params.id,
      actor: actorOf(credentials),
    });
    res.status(204).end();
  });

  addExperimentRoutes(router, deps);

  router.use(staleToPreconditionFailed);
  router.use(flagEditErrorToBadRequest);
  return router;
}
