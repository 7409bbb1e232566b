import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import express, { type Request, type Response } from 'express';
import Router from 'express-promise-router';
import type { EvaluationContext } from '@openfeature/core';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DiscoveryService } from '@backstage/backend-plugin-api';
import { entityRefParams } from '../kernel/http/entityRefParams';
import type { ClientKeyService, KeyCheck } from './ClientKeyService';
import type { FlagSetRegistry } from './FlagSetRegistry';
import {
  evaluateAll,
  evaluateFlag,
  type OfrepSuccess,
} from '@gantry/flags-edge';
import type { StoredClientKey } from './ClientKeyStore';
import { RateLimiter } from './rateLimiter';

const HEARTBEAT_MS = 25_000;
const INACTIVITY_DELAY_SEC = 120;

/** The client key from `Authorization: Bearer` or `X-API-Key`. */
export function secretOf(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return req.get('x-api-key') ?? undefined;
}

/** `If-None-Match` may list several tags and weak ones. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map(t => t.trim().replace(/^W\//, ''))
    .some(t => t === etag || t === '*');
}

/** The variant served, or `(disabled)` / `(default)` when the application's default was used. */
const variantOf = (r: OfrepSuccess) =>
  r.variant ?? `(${r.reason.toLocaleLowerCase('en-US')})`;

type ParsedContext =
  | { ok: true; context: EvaluationContext }
  | { ok: false; details: string };

function contextOf(body: unknown): ParsedContext {
  if (body === undefined || body === null || body === '')
    return { ok: true, context: {} };
  if (typeof body !== 'object' || Array.isArray(body))
    return {
      ok: false,
      details: 'The request body must be a JSON object: {"context": {...}}.',
    };
  const ctx = (body as { context?: unknown }).context;
  if (ctx === undefined) return { ok: true, context: {} };
  if (!ctx || typeof ctx !== 'object' || Array.isArray(ctx))
    return {
      ok: false,
      details: 'context must be a JSON object of attributes.',
    };
  const tk = (ctx as { targetingKey?: unknown }).targetingKey;
  if (tk !== undefined && typeof tk !== 'string')
    return { ok: false, details: 'context.targetingKey must be a string.' };
  return { ok: true, context: ctx as EvaluationContext };
}

/**
 * What applications call, authenticated by client key rather than Backstage identity:
 * OFREP single and bulk evaluation, the SSE stream that tells clients to refetch, and a
 * flagd HTTP sync source.
 */
export function createOfrepRouter(deps: {
  keys: ClientKeyService;
  registry: FlagSetRegistry;
  discovery: DiscoveryService;
  rateLimitPerSecond: number;
}) {
  const router = Router();
  const limiter = new RateLimiter(deps.rateLimitPerSecond);
  const json = express.json({ limit: '256kb', strict: false });

  /** 401/403/429 answered here; returns the key when the request may go on. */
  async function admit(
    check: KeyCheck,
    res: Response,
  ): Promise<StoredClientKey | undefined> {
    if (!check.ok) {
      res.status(check.status).json({ errorDetails: check.message });
      return undefined;
    }
    const wait = limiter.take(check.key.id);
    if (wait) {
      res
        .set('Retry-After', String(wait))
        .status(429)
        .json({
          errorDetails: `More than ${deps.rateLimitPerSecond} requests per second with this key; retry after ${wait} s.`,
        });
      return undefined;
    }
    return check.key;
  }

  // Body parse errors become OFREP's INVALID_CONTEXT instead of a generic 400.
  const parse = (req: Request, res: Response, next: (err?: unknown) => void) =>
    json(req, res, err => {
      if (!err) {
        next();
        return;
      }
      res.status(400).json({
        ...(req.params.key ? { key: req.params.key } : {}),
        errorCode: 'INVALID_CONTEXT',
        errorDetails: `The request body is not valid JSON: ${
          (err as Error).message
        }`,
      });
    });

  router.post('/ofrep/v1/evaluate/flags/:key', parse, async (req, res) => {
    const key = await admit(await deps.keys.authenticate(secretOf(req)), res);
    if (!key) return;
    const parsed = contextOf(req.body);
    if (!parsed.ok) {
      res.status(400).json({
        key: req.params.key,
        errorCode: 'INVALID_CONTEXT',
        errorDetails: parsed.details,
      });
      return;
    }
    const set = await deps.registry.get(key.entityRef, key.environment);
    const result = evaluateFlag(set, req.params.key, parsed.context);
    if (result.ok)
      deps.registry.recordEvaluation(
        key.entityRef,
        key.environment,
        req.params.key,
        variantOf(result.body),
      );
    res.status(result.ok ? 200 : result.status).json(result.body);
  });

  router.post('/ofrep/v1/evaluate/flags', parse, async (req, res) => {
    const key = await admit(await deps.keys.authenticate(secretOf(req)), res);
    if (!key) return;
    const parsed = contextOf(req.body);
    if (!parsed.ok) {
      res
        .status(400)
        .json({ errorCode: 'INVALID_CONTEXT', errorDetails: parsed.details });
      return;
    }
    const set = await deps.registry.get(key.entityRef, key.environment);
    // The tag covers both the flag set and the context the flags were evaluated for.
    const etag = `"${createHash('sha256')
      .update(set.etag)
      .update(canonicalize(parsed.context) ?? '')
      .digest('base64url')
      .slice(0, 27)}"`;
    res.set('ETag', etag);
    res.set('Cache-Control', 'no-cache');
    if (matches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    const base = await deps.discovery.getExternalBaseUrl('gantry');
    const flags = evaluateAll(set, parsed.context);
    for (const f of flags)
      if ('reason' in f)
        deps.registry.recordEvaluation(
          key.entityRef,
          key.environment,
          f.key,
          variantOf(f),
        );
    res.json({
      flags,
      metadata: { flagSetId: String(set.doc.metadata?.flagSetId ?? '') },
      eventStreams: [
        {
          type: 'sse',
          url: `${base}/ofrep/v1/events/${deps.keys.streamToken(key)}`,
          inactivityDelaySec: INACTIVITY_DELAY_SEC,
        },
      ],
    });
  });

  router.get('/ofrep/v1/events/:token', async (req, res) => {
    const key = await admit(
      await deps.keys.authenticateStream(req.params.token),
      res,
    );
    if (!key) return;
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
    write(': connected\n\n');
    const unsubscribe = deps.registry.subscribe(
      key.entityRef,
      key.environment,
      set =>
        write(
          `data: ${JSON.stringify({
            type: 'refetchEvaluation',
            etag: set.etag,
          })}\n\n`,
        ),
    );
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  // flagd's HTTP sync: `uri: https://<portal>/api/gantry/flagd/v1/entities/default/component/checkout/production/flags.json`
  router.get(
    '/flagd/v1/entities/:namespace/:kind/:name/:environment/flags.json',
    async (req, res) => {
      const key = await admit(await deps.keys.authenticate(secretOf(req)), res);
      if (!key) return;
      const entityRef = stringifyEntityRef(
        entityRefParams(req.params as Record<string, string>),
      );
      if (
        entityRef !== key.entityRef ||
        req.params.environment !== key.environment
      ) {
        res.status(403).json({
          errorDetails: `This key reads ${key.entityRef} in ${key.environment} only.`,
        });
        return;
      }
      const set = await deps.registry.get(key.entityRef, key.environment);
      res.set('ETag', set.etag);
      res.set('Cache-Control', 'no-cache');
      if (matches(req.get('if-none-match'), set.etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/json').send(JSON.stringify(set.doc));
    },
  );

  return router;
}
