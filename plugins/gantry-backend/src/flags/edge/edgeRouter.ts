import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  EDGE_STREAM_PATH,
  EDGE_USAGE_PATH,
  type EdgeMessage,
} from '@gantry/flags-edge';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseBody } from '../../kernel/http/validate';
import type { EdgeFeed } from './EdgeFeed';
import type { UsageSink } from './usageSink';

const usageBody = z.object({
  counts: z
    .array(
      z.object({
        entityRef: z.string().min(1).max(400),
        environment: z.string().min(1).max(100),
        key: z.string().min(1).max(200),
        variant: z.string().min(1).max(200),
        bucketStart: z.string().datetime(),
        count: z.number().int().positive(),
      }),
    )
    .max(50_000),
  keysUsed: z
    .array(
      z.object({ id: z.string().min(1).max(100), at: z.string().datetime() }),
    )
    .max(50_000),
});

const eventOf = (m: EdgeMessage): string | undefined => {
  switch (m.type) {
    case 'snapshot':
      return `event: snapshot\ndata: ${JSON.stringify(m.snapshot)}\n\n`;
    case 'set':
      return `event: set\ndata: ${JSON.stringify(m.set)}\n\n`;
    case 'keys':
      return `event: keys\ndata: ${JSON.stringify({ keys: m.keys })}\n\n`;
    default:
      return undefined;
  }
};

/**
 * What standalone edges call, as Backstage service principals (a static token from
 * `backend.auth.externalAccess` whose subject is in `gantry.flags.edge.subjects`):
 * `GET /flags/edge/v1/stream`, the change stream (a full snapshot, then changes, with a
 * ping every heartbeat), and `POST /flags/edge/v1/usage`, their usage batches.
 */
export function createEdgeRouter(deps: {
  httpAuth: HttpAuthService;
  feed: EdgeFeed;
  usage: UsageSink;
  subjects: string[];
  heartbeatMs: number;
}) {
  const router = Router();

  async function edgeOnly(req: Request) {
    const creds = await deps.httpAuth.credentials(req, { allow: ['service'] });
    if (!deps.subjects.includes(creds.principal.subject))
      throw new NotAllowedError(
        `Service '${
          creds.principal.subject
        }' may not follow the flag change stream; allowed: ${deps.subjects.join(
          ', ',
        )} (gantry.flags.edge.subjects).`,
      );
  }

  router.get(EDGE_STREAM_PATH, async (req, res) => {
    await edgeOnly(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const write = (text: string) => {
      res.write(text);
      (res as unknown as { flush?: () => void }).flush?.();
    };
    const unsubscribe = deps.feed.subscribe(m => {
      const text = eventOf(m);
      if (text) write(text);
    });
    const heartbeat = setInterval(() => {
      // A ping while the feed cannot read the database would vouch for data it
      // cannot check: edges hear why instead and count down to their staleness limit.
      if (deps.feed.healthy) write(': ping\n\n');
      else if (deps.feed.failingSinceMs !== undefined)
        write(
          `event: status\ndata: ${JSON.stringify({
            database: 'down',
            since: new Date(deps.feed.failingSinceMs).toISOString(),
          })}\n\n`,
        );
    }, deps.heartbeatMs);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  router.post(
    EDGE_USAGE_PATH,
    express.json({ limit: '10mb' }),
    async (req, res) => {
      await edgeOnly(req);
      const batch = parseBody(usageBody, req.body);
      await deps.usage.write(batch);
      res.status(204).end();
    },
  );

  return router;
}
