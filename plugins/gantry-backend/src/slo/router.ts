import Router from 'express-promise-router';
import { z } from 'zod';
import type { EntityAccess } from '../kernel/http/EntityAccess';
import { parseQuery } from '../kernel/http/validate';
import type { SloService } from './SloService';

const statusQuery = z.object({
  at: z
    .string()
    .datetime({
      message: 'must be an ISO-8601 UTC time such as 2026-11-26T12:00:00Z',
    })
    .optional(),
});
const rulesQuery = z.object({
  format: z
    .enum(['rules', 'prometheusrule'], {
      errorMap: () => ({
        message:
          "must be 'rules' (a Prometheus rules file) or 'prometheusrule' (a Prometheus Operator object)",
      }),
    })
    .default('rules'),
});

/** SLO status and generated rules per entity; reading needs only catalog visibility. */
export function createSloRouter(deps: {
  access: EntityAccess;
  slos: SloService;
}) {
  const router = Router();
  const entity = '/entities/:namespace/:kind/:name';

  router.get(`${entity}/slos`, async (req, res) => {
    const { at } = parseQuery(statusQuery, req.query);
    const { entity: e, entityRef } = await deps.access.resolve(req);
    res.json(
      await deps.slos.forEntity(e, entityRef, at ? new Date(at) : undefined),
    );
  });

  router.get(`${entity}/slos/rules`, async (req, res) => {
    const { format } = parseQuery(rulesQuery, req.query);
    const { entity: e } = await deps.access.resolve(req);
    const { fileName, yaml } = await deps.slos.rules(e, format);
    res
      .type('application/yaml')
      .set('Content-Disposition', `inline; filename="${fileName}"`)
      .send(yaml);
  });

  return router;
}
