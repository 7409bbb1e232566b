import Router from 'express-promise-router';
import type { Knex } from 'knex';
import type { HealthResponse } from '@gantry/plugin-gantry-common';
import { DATABASE_RETRY_AFTER_SECONDS } from './databaseUnavailable';

/** The body of a 503 from `/health`: the process runs, its database does not answer. */
export interface HealthDownResponse {
  status: 'unavailable';
  database: 'down';
}

/** Longer than a healthy `select 1` ever takes; shorter than a probe's timeout. */
const CHECK_TIMEOUT_MS = 2000;

async function databaseAnswers(db: Knex): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(resolve => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      db.raw('select 1').then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health`: 200 `{status: "ok", database: "ok"}` once the database answers,
 * 503 `{status: "unavailable", database: "down"}` with Retry-After while it does not
 * (within two seconds, never the pool's minute-long acquire timeout). Never names the
 * database host.
 */
export function healthRouter(db: Knex) {
  const router = Router();
  router.get('/health', async (_req, res) => {
    if (await databaseAnswers(db)) {
      const body: HealthResponse = { status: 'ok', database: 'ok' };
      res.json(body);
      return;
    }
    const body: HealthDownResponse = {
      status: 'unavailable',
      database: 'down',
    };
    res
      .status(503)
      .set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
      .json(body);
  });
  return router;
}
