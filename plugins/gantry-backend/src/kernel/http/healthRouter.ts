import Router from 'express-promise-router';
import type { Knex } from 'knex';
import type { HealthResponse } from '@gantry/plugin-gantry-common';

/** `GET /health`: answers once the database does. */
export function healthRouter(db: Knex) {
  const router = Router();
  router.get('/health', async (_req, res) => {
    await db.raw('select 1');
    const body: HealthResponse = { status: 'ok', database: 'ok' };
    res.json(body);
  });
  return router;
}
