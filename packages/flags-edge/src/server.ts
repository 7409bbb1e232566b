import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {
  IncomingMessage,
  RequestListener,
  ServerResponse,
} from 'node:http';
import canonicalize from 'canonicalize';
import type { EvaluationContext } from '@openfeature/core';
import {
  evaluateAll,
  evaluateFlag,
  variantOf,
  type CompiledFlagSet,
} from './evaluate';
import type { EdgeState } from './EdgeState';
import { jsonDepthExceeds, WindowLimiter } from './limits';
import type { EdgeKey } from './protocol';
import type { UsageAggregator } from './usage';

export type StaleMode = 'fail-closed' | 'fail-open';

export interface EdgeServerOptions {
  /** Requests per second one client key may make on this edge. Default 1000. */
  rateLimitPerSecond?: number;
  /** Requests per second with a missing or unknown key, per client address. Default 20. */
  unknownKeyRateLimitPerSecond?: number;
  /** Open SSE streams one client key may hold on this edge. Default 20. */
  maxStreamsPerKey?: number;
  /** Past this long without hearing from the control plane the data is stale. Default 300 s. */
  staleAfterMs?: number;
  /** Stale data: refuse with OFREP GENERAL (fail-closed, default) or keep serving it (fail-open). */
  staleMode?: StaleMode;
  /** Body size limit in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Deepest JSON nesting accepted in a request body. Default 32. */
  maxJsonDepth?: number;
  /** What SSE URLs in bulk responses start with; default the request's own origin. */
  publicBaseUrl?: string;
  heartbeatMs?: number;
  now?: () => number;
}

export const hashSecret = (secret: string) =>
  createHash('sha256').update(secret).digest('hex');

/** The opaque token in an SSE URL (EventSource cannot send headers); the backend mints the same. */
export function streamTokenOf(key: { id: string; hash: string }): string {
  const mac = createHmac('sha256', key.hash)
    .update(`sse:${key.id}`)
    .digest('base64url');
  return `${key.id}.${mac}`;
}

const INACTIVITY_DELAY_SEC = 120;
const JSON_TYPE = { 'content-type': 'application/json' };

type Stream = { res: ServerResponse; keyHash: string; setId: string };

export interface EdgeServer {
  handler: RequestListener;
  /** Open SSE streams (all keys). */
  streamCount(): number;
  /** Closes every SSE stream and stops timers. */
  close(): void;
  /** The serving status /health reports. */
  health(): EdgeHealth;
}

export interface EdgeHealth {
  status:
    | 'ok'
    | 'degraded'
    | 'disconnected'
    | 'snapshot'
    | 'stale'
    | 'starting';
  serving: boolean;
  source: string;
  connected: boolean;
  revision: number;
  dataAt?: string;
  lastContactAgeSeconds?: number;
  stale: boolean;
  staleAfterSeconds: number;
  staleMode: StaleMode;
  reason?: string;
  /** What the control plane last said about its database. */
  controlPlane?: { database: 'ok' } | { database: 'down'; since: string };
  flagSets: number;
  streams: number;
  memory: { rssBytes: number; heapUsedBytes: number };
  rejectedSets?: Record<string, string>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, JSON_TYPE);
  res.end(JSON.stringify(body));
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some(t => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

function secretOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ')
    return auth.slice(7).trim();
  const k = req.headers['x-api-key'];
  return typeof k === 'string' ? k : undefined;
}

type Parsed =
  | { ok: true; context: EvaluationContext }
  | { ok: false; status: number; details: string };

function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        resolve(undefined);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () =>
      resolve(
        chunks.length === 1
          ? chunks[0].toString('utf8')
          : Buffer.concat(chunks).toString('utf8'),
      ),
    );
    req.on('error', reject);
  });
}

function contextOf(text: string, maxDepth: number): Parsed {
  if (!text.trim()) return { ok: true, context: {} };
  if (jsonDepthExceeds(text, maxDepth))
    return {
      ok: false,
      status: 400,
      details: `The request body nests deeper than ${maxDepth} levels; send a flat evaluation context.`,
    };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      status: 400,
      details: `The request body is not valid JSON: ${(e as Error).message}`,
    };
  }
  if (body === null) return { ok: true, context: {} };
  if (typeof body !== 'object' || Array.isArray(body))
    return {
      ok: false,
      status: 400,
      details: 'The request body must be a JSON object: {"context": {...}}.',
    };
  const ctx = (body as { context?: unknown }).context;
  if (ctx === undefined) return { ok: true, context: {} };
  if (!ctx || typeof ctx !== 'object' || Array.isArray(ctx))
    return {
      ok: false,
      status: 400,
      details: 'context must be a JSON object of attributes.',
    };
  const tk = (ctx as { targetingKey?: unknown }).targetingKey;
  if (tk !== undefined && typeof tk !== 'string')
    return {
      ok: false,
      status: 400,
      details: 'context.targetingKey must be a string.',
    };
  return { ok: true, context: ctx as EvaluationContext };
}

const EVALUATE_ONE = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/;
const EVENTS = /^\/ofrep\/v1\/events\/([^/]+)$/;
const FLAGD_SYNC =
  /^\/flagd\/v1\/entities\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/flags\.json$/;
const PREFIX = '/api/gantry';

/**
 * The edge's HTTP surface on bare node:http: OFREP single and bulk evaluation (ETag/304),
 * the SSE stream that tells clients to refetch, the flagd HTTP sync source and /health.
 * Every answer comes from `state`; nothing here touches a database or logs a request.
 * Paths are served at the root and under /api/gantry, so an SDK's baseUrl can be the
 * edge's origin or the portal-style one.
 */
export function createEdgeServer(
  state: EdgeState,
  usage: UsageAggregator,
  opts: EdgeServerOptions = {},
): EdgeServer {
  const now = opts.now ?? Date.now;
  const perKey = opts.rateLimitPerSecond ?? 1000;
  const limiter = new WindowLimiter(perKey, 100_000, now);
  const unknownPerSecond = opts.unknownKeyRateLimitPerSecond ?? 20;
  const unknownLimiter = new WindowLimiter(unknownPerSecond, 10_000, now);
  const maxStreams = opts.maxStreamsPerKey ?? 20;
  const staleAfterMs = opts.staleAfterMs ?? 300_000;
  const staleMode = opts.staleMode ?? 'fail-closed';
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const maxDepth = opts.maxJsonDepth ?? 32;
  const streams = new Map<string, Set<Stream>>();
  let streamTotal = 0;

  function health(): EdgeHealth {
    const age =
      state.lastContactMs === undefined
        ? undefined
        : Math.max(0, now() - state.lastContactMs);
    // Pings arrive only while the control plane can vouch for its data (it reads its
    // database), so a stream that stays open but silent goes stale too.
    const stale = state.hasData && (age ?? Infinity) > staleAfterMs;
    const db = state.controlPlaneDatabase;
    const dbDown = db?.database === 'down' ? db : undefined;
    let status: EdgeHealth['status'] = 'ok';
    let reason: string | undefined;
    if (!state.hasData) {
      status = 'starting';
      reason =
        'No flag data yet: the control plane has not been reached and no snapshot file was found.';
    } else if (stale) {
      status = 'stale';
      reason = `No word from the control plane for ${
        age === undefined ? 'ever' : `${Math.round(age / 1000)} s`
      } (limit ${Math.round(staleAfterMs / 1000)} s); ${
        staleMode === 'fail-closed'
          ? 'refusing to evaluate rather than serve flags that may have been changed or killed since'
          : `serving the last snapshot (revision ${state.revision}) as configured (fail-open)`
      }.`;
    } else if (state.source === 'snapshot-file') {
      status = 'snapshot';
      reason = `Serving the snapshot persisted on disk (revision ${state.revision}); the control plane has not been reached since start.`;
    } else if (!state.connected) {
      status = 'disconnected';
      reason =
        dbDown === undefined
          ? `The change stream is down; serving revision ${state.revision} until it is back.`
          : `The control plane cannot read its database (since ${dbDown.since}); serving revision ${state.revision} until it can.`;
    } else if (dbDown) {
      status = 'degraded';
      reason = `The control plane cannot read its database (since ${
        dbDown.since
      }), so it cannot vouch for revision ${
        state.revision
      }; serving it until the database is back${
        staleMode === 'fail-closed'
          ? ` or the staleness limit (${Math.round(
              staleAfterMs / 1000,
            )} s) passes`
          : ''
      }.`;
    }
    return {
      status,
      serving: state.hasData && !(stale && staleMode === 'fail-closed'),
      source: state.source,
      connected: state.connected,
      revision: state.revision,
      ...(state.dataAt ? { dataAt: state.dataAt } : {}),
      ...(age !== undefined
        ? { lastContactAgeSeconds: Math.round(age / 100) / 10 }
        : {}),
      stale,
      staleAfterSeconds: staleAfterMs / 1000,
      staleMode,
      ...(reason ? { reason } : {}),
      ...(db ? { controlPlane: db } : {}),
      flagSets: state.setCount,
      streams: streamTotal,
      memory: (m => ({ rssBytes: m.rss, heapUsedBytes: m.heapUsed }))(
        process.memoryUsage(),
      ),
      ...(state.rejected.size
        ? { rejectedSets: Object.fromEntries(state.rejected) }
        : {}),
    };
  }

  /** The refusal when there is nothing fit to serve, or undefined to go on. */
  function unavailable(): string | undefined {
    if (!state.hasData)
      return 'This flag edge has no flag data yet (control plane not reached, no snapshot on disk).';
    if (staleMode === 'fail-open') return undefined;
    if (
      state.lastContactMs !== undefined &&
      now() - state.lastContactMs <= staleAfterMs
    )
      return undefined;
    return health().reason;
  }

  /** The key, or undefined after answering 401/403/429. */
  function admit(
    req: IncomingMessage,
    res: ServerResponse,
    found: EdgeKey | undefined,
    missingMessage: string,
  ): EdgeKey | undefined {
    if (!found || found.revokedAt) {
      const addr = req.socket.remoteAddress ?? '';
      if (unknownLimiter.take(addr)) {
        res.writeHead(429, { ...JSON_TYPE, 'retry-after': '1' });
        res.end(
          JSON.stringify({
            errorDetails: `More than ${unknownPerSecond} requests per second from this address with a missing, unknown or revoked key; fix the key, then retry after 1 s.`,
          }),
        );
        return undefined;
      }
      if (found?.revokedAt)
        send(res, 403, {
          errorDetails: `This flag client key was revoked at ${found.revokedAt}; ask the owners for a new one.`,
        });
      else send(res, 401, { errorDetails: missingMessage });
      return undefined;
    }
    if (limiter.take(found.id)) {
      res.writeHead(429, { ...JSON_TYPE, 'retry-after': '1' });
      res.end(
        JSON.stringify({
          errorDetails: `More than ${perKey} requests per second with this key; retry after 1 s.`,
        }),
      );
      return undefined;
    }
    usage.keyUsed(found.id);
    return found;
  }

  function keyFromHeader(req: IncomingMessage, res: ServerResponse) {
    const secret = secretOf(req);
    return admit(
      req,
      res,
      secret ? state.keyByHash(hashSecret(secret)) : undefined,
      secret
        ? 'Unknown flag client key.'
        : 'Send a Gantry flag client key as "Authorization: Bearer gfk_…" or "X-API-Key: gfk_…".',
    );
  }

  function setFor(key: EdgeKey): CompiledFlagSet | undefined {
    return state.set(key.entityRef, key.environment);
  }

  async function evaluateOne(
    req: IncomingMessage,
    res: ServerResponse,
    flagKey: string,
  ) {
    const key = keyFromHeader(req, res);
    if (!key) return;
    const text = await readBody(req, maxBody);
    if (text === undefined) {
      send(res, 413, {
        key: flagKey,
        errorCode: 'INVALID_CONTEXT',
        errorDetails: `The request body is over ${maxBody} bytes; send only the evaluation context.`,
      });
      return;
    }
    const parsed = contextOf(text, maxDepth);
    if (!parsed.ok) {
      send(res, parsed.status, {
        key: flagKey,
        errorCode: 'INVALID_CONTEXT',
        errorDetails: parsed.details,
      });
      return;
    }
    const refusal = unavailable();
    if (refusal) {
      send(res, 503, {
        key: flagKey,
        errorCode: 'GENERAL',
        errorDetails: refusal,
      });
      return;
    }
    const set = setFor(key);
    if (!set) {
      send(res, 404, {
        key: flagKey,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: `No flags for ${key.entityRef} in ${key.environment} yet.`,
      });
      return;
    }
    const result = evaluateFlag(set, flagKey, parsed.context);
    if (result.ok)
      usage.record(
        key.entityRef,
        key.environment,
        flagKey,
        variantOf(result.body),
      );
    send(res, result.ok ? 200 : result.status, result.body);
  }

  async function evaluateBulk(req: IncomingMessage, res: ServerResponse) {
    const key = keyFromHeader(req, res);
    if (!key) return;
    const text = await readBody(req, maxBody);
    if (text === undefined) {
      send(res, 413, {
        errorCode: 'INVALID_CONTEXT',
        errorDetails: `The request body is over ${maxBody} bytes; send only the evaluation context.`,
      });
      return;
    }
    const parsed = contextOf(text, maxDepth);
    if (!parsed.ok) {
      send(res, parsed.status, {
        errorCode: 'INVALID_CONTEXT',
        errorDetails: parsed.details,
      });
      return;
    }
    const refusal = unavailable();
    if (refusal) {
      send(res, 503, { errorCode: 'GENERAL', errorDetails: refusal });
      return;
    }
    const set = setFor(key);
    const setEtag = set?.etag ?? '"empty"';
    // The tag covers both the flag set and the context the flags were evaluated for.
    const etag = `"${createHash('sha256')
      .update(setEtag)
      .update(canonicalize(parsed.context) ?? '')
      .digest('base64url')
      .slice(0, 27)}"`;
    const ifNoneMatch = req.headers['if-none-match'];
    if (matches(ifNoneMatch, etag)) {
      res.writeHead(304, { etag, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    const flags = set ? evaluateAll(set, parsed.context) : [];
    for (const f of flags)
      if ('reason' in f)
        usage.record(key.entityRef, key.environment, f.key, variantOf(f));
    const base =
      opts.publicBaseUrl ?? `http://${req.headers.host ?? 'localhost'}`;
    res.writeHead(200, {
      ...JSON_TYPE,
      etag,
      'cache-control': 'no-cache',
    });
    res.end(
      JSON.stringify({
        flags,
        metadata: { flagSetId: String(set?.doc.metadata?.flagSetId ?? '') },
        eventStreams: [
          {
            type: 'sse',
            url: `${base}/ofrep/v1/events/${streamTokenOf(key)}`,
            inactivityDelaySec: INACTIVITY_DELAY_SEC,
          },
        ],
      }),
    );
  }

  function keyFromStreamToken(token: string): EdgeKey | undefined {
    const dot = token.indexOf('.');
    if (dot < 1) return undefined;
    const key = state.keyById(token.slice(0, dot));
    if (!key) return undefined;
    const expected = Buffer.from(streamTokenOf(key));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given)
      ? key
      : undefined;
  }

  function events(req: IncomingMessage, res: ServerResponse, token: string) {
    const key = admit(
      req,
      res,
      keyFromStreamToken(decodeURIComponent(token)),
      'Unknown event stream token.',
    );
    if (!key) return;
    const open = streams.get(key.id) ?? new Set<Stream>();
    if (open.size >= maxStreams) {
      res.writeHead(429, { ...JSON_TYPE, 'retry-after': '30' });
      res.end(
        JSON.stringify({
          errorDetails: `This key already holds ${maxStreams} open event streams on this edge; close some (one per application instance is enough).`,
        }),
      );
      return;
    }
    const stream: Stream = {
      res,
      keyHash: key.hash,
      setId: `${key.entityRef}#${key.environment}`,
    };
    open.add(stream);
    streams.set(key.id, open);
    streamTotal += 1;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    req.on('close', () => drop(key.id, stream));
  }

  function drop(keyId: string, stream: Stream) {
    const open = streams.get(keyId);
    if (open?.delete(stream)) streamTotal -= 1;
    if (open && !open.size) streams.delete(keyId);
    if (!stream.res.writableEnded) stream.res.end();
  }

  function writeAll(filter: (s: Stream) => boolean, text: string) {
    for (const open of streams.values())
      for (const s of open)
        if (filter(s) && !s.res.writableEnded) s.res.write(text);
  }

  function flagdSync(
    req: IncomingMessage,
    res: ServerResponse,
    m: RegExpExecArray,
  ) {
    const key = keyFromHeader(req, res);
    if (!key) return;
    const [, namespace, kind, name, environment] = m.map(s =>
      decodeURIComponent(s ?? ''),
    );
    const entityRef = `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
    if (
      entityRef !== key.entityRef.toLocaleLowerCase('en-US') ||
      environment !== key.environment
    ) {
      send(res, 403, {
        errorDetails: `This key reads ${key.entityRef} in ${key.environment} only.`,
      });
      return;
    }
    const refusal = unavailable();
    if (refusal) {
      // flagd keeps its last configuration on a non-2xx answer
      send(res, 503, { errorDetails: refusal });
      return;
    }
    const set = setFor(key);
    if (!set) {
      send(res, 404, {
        errorDetails: `No flags for ${key.entityRef} in ${key.environment} yet.`,
      });
      return;
    }
    if (matches(req.headers['if-none-match'], set.etag)) {
      res.writeHead(304, { etag: set.etag, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    res.writeHead(200, {
      ...JSON_TYPE,
      etag: set.etag,
      'cache-control': 'no-cache',
    });
    res.end(JSON.stringify(set.doc));
  }

  // Flag changes: tell the streams of that set to refetch.
  const offSets = state.onSetChange(set => {
    const setId = `${set.entityRef}#${set.environment}`;
    const line = `data: ${JSON.stringify({
      type: 'refetchEvaluation',
      etag: set.etag,
    })}\n\n`;
    writeAll(s => s.setId === setId, line);
  });
  // Key changes: a revoked, rotated or deleted key's streams end at once.
  const offKeys = state.onKeysChange(() => {
    for (const [id, open] of [...streams]) {
      const key = state.keyById(id);
      for (const s of [...open])
        if (!key || key.revokedAt || key.hash !== s.keyHash) drop(id, s);
    }
  });
  const heartbeat = setInterval(
    () => writeAll(() => true, ': ping\n\n'),
    opts.heartbeatMs ?? 25_000,
  );
  heartbeat.unref();

  const handler: RequestListener = (req, res) => {
    let path = req.url ?? '/';
    const q = path.indexOf('?');
    if (q >= 0) path = path.slice(0, q);
    if (path.startsWith(PREFIX)) path = path.slice(PREFIX.length);
    const method = req.method;
    const fail = (e: unknown) => {
      if (!res.headersSent)
        send(res, 500, { errorDetails: `Edge error: ${(e as Error).message}` });
      else res.end();
    };
    try {
      if (method === 'POST') {
        const one = EVALUATE_ONE.exec(path);
        if (one) {
          evaluateOne(req, res, decodeURIComponent(one[1])).catch(fail);
          return;
        }
        if (path === '/ofrep/v1/evaluate/flags') {
          evaluateBulk(req, res).catch(fail);
          return;
        }
      } else if (method === 'GET' || method === 'HEAD') {
        if (path === '/health') {
          const h = health();
          send(res, h.serving ? 200 : 503, h);
          return;
        }
        const ev = EVENTS.exec(path);
        if (ev) {
          events(req, res, ev[1]);
          return;
        }
        const sync = FLAGD_SYNC.exec(path);
        if (sync) {
          flagdSync(req, res, sync);
          return;
        }
      }
      send(res, 404, {
        errorDetails: `No route ${method} ${path}. This flag edge serves POST /ofrep/v1/evaluate/flags[/{key}], GET /ofrep/v1/events/{token}, GET /flagd/v1/entities/{namespace}/{kind}/{name}/{environment}/flags.json and GET /health.`,
      });
    } catch (e) {
      fail(e);
    }
  };

  return {
    handler,
    streamCount: () => streamTotal,
    health,
    close() {
      clearInterval(heartbeat);
      offSets();
      offKeys();
      for (const [id, open] of [...streams])
        for (const s of [...open]) drop(id, s);
    },
  };
}
