import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseQuery } from '../kernel/http/validate';
import type { CapacityService } from './CapacityService';

const capacityQuery = z.object({
  at: z
    .string()
    .datetime({
      message: 'must be an ISO-8601 UTC time such as 2026-11-26T12:00:00Z',
    })
    .optional(),
});

/** Capacity headroom per entity; reading needs only catalog visibility. */
export function createCapacityRouter(deps: {
  access: EntityAccess;
  capacity: CapacityService;
}) {
  const router = Router();
  router.get('/entities/:namespace/:kind/:name/capacity', async (req, res) => {
    const { at } = parseQuery(capacityQuery, req.query);
    const { entity, entityRef } = await deps.access.resolve(req);
    res.json(
      await deps.capacity.forEntity(
        entity,
        entityRef,
        at ? new Date(at) : undefined,
      ),
    );
  });
  return router;
}
