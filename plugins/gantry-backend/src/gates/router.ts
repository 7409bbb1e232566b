import Router from 'express-promise-router';
import { z } from 'zod';
import { gantryAllowlistManagePermission } from '@gantry/plugin-gantry-common';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { actorOf, userRefOf } from '../kernel/http/principal';
import { parseBody } from '../kernel/http/validate';
import { versionParam } from '../kernel/http/versionParam';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { GateService } from './GateService';
import type { AllowlistService } from './AllowlistService';
import type { GateOverrideService } from './GateOverrideService';

const acceptBody = z.object({
  justification: z
    .string()
    .trim()
    .min(10, {
      message: 'explain in at least 10 characters why the risk is accepted',
    })
    .max(2000),
  expiresAt: z.string().datetime({
    message: 'must be an ISO-8601 UTC time such as 2026-12-31T00:00:00Z',
  }),
});
const overrideBody = z
  .object({
    reason: z
      .string()
      .trim()
      .min(10, {
        message: 'explain in at least 10 characters why the release may go on',
      })
      .max(2000),
  })
  .strict();
const VULN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{1,127}$/;

export function createGatesRouter(deps: {
  access: EntityAccess;
  gates: GateService;
  allowlist: AllowlistService;
  overrides: GateOverrideService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  // Answers 200 with the verdict in the body for every evaluated release, so CI, an
  // Argo CD PreSync job and an Argo Rollouts web metric (jsonPath {$.verdict}) can read it.
  router.get(
    `${entity}/releases/:version/gates/:environment`,
    async (req, res) => {
      const { entity: e, entityRef } = await deps.access.resolve(req);
      res.json(
        await deps.gates.evaluate(
          e,
          entityRef,
          versionParam(req.params.version),
          req.params.environment,
        ),
      );
    },
  );

  // A person accepts a failing rule (a load-test regression) for one release; audited.
  router.put(
    `${entity}/releases/:version/gate-overrides/:environment/:rule`,
    async (req, res) => {
      const { credentials, entityRef } = await deps.access.resolve(
        req,
        gantryAllowlistManagePermission,
      );
      const actor = userRefOf(credentials);
      if (!actor)
        throw new NotAllowedError(
          'A gate override is a decision a person signs with their name; sign in as a user.',
        );
      const body = parseBody(overrideBody, req.body);
      res.status(201).json(
        await deps.overrides.override({
          entityRef,
          version: versionParam(req.params.version),
          environment: req.params.environment,
          rule: req.params.rule,
          reason: body.reason,
          actor,
        }),
      );
    },
  );

  router.get(`${entity}/vulnerability-allowlist`, async (req, res) => {
    const { entityRef } = await deps.access.resolve(req);
    res.json({ items: await deps.allowlist.list(entityRef) });
  });

  router.put(
    `${entity}/vulnerability-allowlist/:vulnerabilityId`,
    async (req, res) => {
      const { credentials, entityRef } = await deps.access.resolve(
        req,
        gantryAllowlistManagePermission,
      );
      if (!VULN_ID.test(req.params.vulnerabilityId)) {
        throw new InputError(
          `Invalid vulnerability id '${req.params.vulnerabilityId}', e.g. CVE-2024-3094 or GHSA-xxxx-xxxx-xxxx.`,
        );
      }
      const body = parseBody(acceptBody, req.body);
      res.json(
        await deps.allowlist.accept({
          entityRef,
          vulnerabilityId: req.params.vulnerabilityId,
          ...body,
          actor: actorOf(credentials),
        }),
      );
    },
  );

  router.delete(
    `${entity}/vulnerability-allowlist/:vulnerabilityId`,
    async (req, res) => {
      const { credentials, entityRef } = await deps.access.resolve(
        req,
        gantryAllowlistManagePermission,
      );
      await deps.allowlist.revoke({
        entityRef,
        vulnerabilityId: req.params.vulnerabilityId,
        actor: actorOf(credentials),
      });
      res.status(204).end();
    },
  );

  return router;
}
