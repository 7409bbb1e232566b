import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { FlagExperimentEvent } from '@gantry/plugin-gantry-common';
import { parseBody } from '../kernel/http/validate';
import type { ClientKeyService } from './ClientKeyService';
import type { ExperimentService } from './ExperimentService';
import { secretOf } from './ofrepRouter';
import { RateLimiter } from './rateLimiter';
import { ingestBody } from './schemas';

/** Where applications send exposure and conversion events, with their flag client key. */
export const EVENTS_PATH = '/flags/events';

/**
 * `POST /api/gantry/flags/events` with `{"events": [...]}` (at most 1000). The key
 * decides the entity and environment, as for OFREP. Answers 200 with received,
 * duplicates, ignored and stored counts; a bad event rejects the whole batch (400)
 * and stores nothing.
 */
export function createEventsRouter(deps: {
  keys: ClientKeyService;
  experiments: ExperimentService;
  rateLimitPerSecond: number;
}) {
  const router = Router();
  const limiter = new RateLimiter(deps.rateLimitPerSecond);
  const json = express.json({ limit: '1mb' });
  router.post(
    EVENTS_PATH,
    (req, res, next) =>
      json(req, res, err =>
        next(
          err
            ? new InputError(
                `The request body is not valid JSON (or over 1 MB): ${
                  (err as Error).message
                }`,
              )
            : undefined,
        ),
      ),
    async (req, res) => {
      const check = await deps.keys.authenticate(secretOf(req));
      if (!check.ok) {
        throw check.status === 401
          ? new AuthenticationError(check.message)
          : new NotAllowedError(check.message);
      }
      const wait = limiter.take(check.key.id);
      if (wait) {
        res
          .set('Retry-After', String(wait))
          .status(429)
          .json({
            error: {
              name: 'TooManyRequests',
              message: `More than ${deps.rateLimitPerSecond} event requests per second with this key; batch more events per request or retry after ${wait} s.`,
            },
          });
        return;
      }
      const body = parseBody(ingestBody, req.body);
      res.json(
        await deps.experiments.ingest(
          check.key.entityRef,
          check.key.environment,
          body.events as FlagExperimentEvent[],
        ),
      );
    },
  );
  return router;
}
