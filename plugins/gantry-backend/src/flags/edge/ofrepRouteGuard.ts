import { createHash } from 'node:crypto';
import { jsonDepthExceeds, WindowLimiter } from '@gantry/flags-edge';
import express, {
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import Router from 'express-promise-router';
import type { EdgeFeed } from './EdgeFeed';

class TooDeep extends Error {}

const secretOf = (req: Request) => {
  const auth = req.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return req.get('x-api-key') ?? undefined;
};

/**
 * What the backend's own OFREP, SSE and sync routes (flags/ofrepRouter.ts) get in front
 * of them, with the edge's rules: requests with a missing, unknown or revoked key are
 * rate-limited per address (bounded memory); bodies nested deeper than `maxJsonDepth`
 * are a 400 in OFREP's format, before anything recursive sees them; SSE streams are
 * capped per key, closed the moment their key is revoked or rotated, and their token is
 * cut from the URL the access log prints.
 */
export function createOfrepRouteGuard(deps: {
  feed: EdgeFeed;
  unknownKeyRateLimitPerSecond: number;
  maxStreamsPerKey: number;
  maxJsonDepth?: number;
}) {
  const router = Router();
  const maxDepth = deps.maxJsonDepth ?? 32;
  const unknown = new WindowLimiter(deps.unknownKeyRateLimitPerSecond, 10_000);
  const streams = new Map<string, Set<{ res: Response; keyHash: string }>>();
  const json = express.json({
    limit: '256kb',
    strict: false,
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf.toString('utf8'), maxDepth)) throw new TooDeep();
    },
  });

  deps.feed.subscribe(m => {
    if (m.type !== 'keys') return;
    for (const [id, open] of streams) {
      const key = deps.feed.storedKeyById(id);
      for (const s of open)
        if (!key || key.revokedAt || key.keyHash !== s.keyHash) s.res.destroy();
    }
  });

  const tooMany = (res: Response) =>
    res
      .set('Retry-After', '1')
      .status(429)
      .json({
        errorDetails: `More than ${deps.unknownKeyRateLimitPerSecond} requests per second from this address with a missing, unknown or revoked key; fix the key, then retry after 1 s.`,
      });

  function limitUnknown(req: Request, res: Response, next: NextFunction) {
    const secret = secretOf(req);
    const key = secret
      ? deps.feed.storedKeyByHash(
          createHash('sha256').update(secret).digest('hex'),
        )
      : undefined;
    if ((!key || key.revokedAt) && unknown.take(req.socket.remoteAddress ?? ''))
      return tooMany(res);
    return next();
  }

  function parse(req: Request, res: Response, next: NextFunction) {
    json(req, res, err => {
      if (!err) return next();
      const flagKey = /\/flags\/([^/]+)$/.exec(req.path)?.[1];
      return res.status(400).json({
        ...(flagKey ? { key: decodeURIComponent(flagKey) } : {}),
        errorCode: 'INVALID_CONTEXT',
        errorDetails:
          err instanceof TooDeep ||
          (err as { type?: string }).type === 'entity.verify.failed'
            ? `The request body nests deeper than ${maxDepth} levels; send a flat evaluation context.`
            : `The request body is not valid JSON: ${(err as Error).message}`,
      });
    });
  }

  router.post(
    ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/:key'],
    limitUnknown,
    parse,
  );
  router.get(
    '/flagd/v1/entities/:namespace/:kind/:name/:environment/flags.json',
    limitUnknown,
  );

  router.get('/ofrep/v1/events/:token', (req, res, next) => {
    const token = req.params.token;
    const id = token.split('.')[0];
    // The token is a credential: keep it out of the access log.
    req.originalUrl = req.originalUrl.replace(token, `${id}.redacted`);
    const key = deps.feed.storedKeyById(id);
    if (!key || key.revokedAt) {
      if (unknown.take(req.socket.remoteAddress ?? '')) return tooMany(res);
      return next(); // the route answers 401/403
    }
    const open = streams.get(key.id) ?? new Set();
    if (open.size >= deps.maxStreamsPerKey)
      return res
        .set('Retry-After', '30')
        .status(429)
        .json({
          errorDetails: `This key already holds ${deps.maxStreamsPerKey} open event streams on this replica; close some (one per application instance is enough).`,
        });
    const stream = { res, keyHash: key.keyHash };
    open.add(stream);
    streams.set(key.id, open);
    res.on('close', () => {
      open.delete(stream);
      if (!open.size) streams.delete(key.id);
    });
    return next();
  });

  return router;
}
