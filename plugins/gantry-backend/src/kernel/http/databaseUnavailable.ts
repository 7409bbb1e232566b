import type { ErrorRequestHandler } from 'express';

/** Seconds a caller is told to wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the database host refused, dropped or never answered. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong request": class 08
 * (connection exception), 57P01-57P03 (shutting down, crashed, starting up) and 53300
 * (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** Messages of pg and knex that carry no code. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Timeout acquiring a connection|Client has encountered a connection error|Connection ended unexpectedly|terminating connection due to administrator command|the database system is (starting up|shutting down)/i;

/**
 * The error and its causes, stopping at an HTTP client's failure (`fetch failed`) or an
 * error already classified (`ServiceUnavailableError` from the Argo CD, Kubernetes and
 * Prometheus clients): their ECONNREFUSED is about that upstream, not the database.
 */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e = error;
  while (e && typeof e === 'object' && chain.length < 8) {
    const { name, message } = e as { name?: unknown; message?: unknown };
    if (name === 'ServiceUnavailableError' || message === 'fetch failed') break;
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/** True when `error` (or a cause of it) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(e => {
    const { code, name, message } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
    };
    if (name === 'KnexTimeoutError') return true;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))
        return true;
    }
    return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
  });
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the caller is told; it never carries the error's own text (host names, ports). */
export function databaseUnavailableMessage(method: string): string {
  const what = READS.has(method.toUpperCase())
    ? 'This could not be read'
    : 'The change was not applied';
  return `Gantry's database is unavailable. ${what}; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`;
}

/**
 * Express error handler for everything Gantry mounts: a database that cannot be reached
 * becomes 503 with Retry-After and a message saying nothing was changed, in Backstage's
 * error body (or OFREP's error format under /ofrep). The raw error (which names the
 * database host and port) goes only to the log. Any other error passes on unchanged.
 */
export function databaseUnavailableHandler(logger?: {
  warn(message: string, meta?: Error | Record<string, unknown>): void;
}): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!isDatabaseUnavailable(error) || res.headersSent) {
      next(error);
      return;
    }
    logger?.warn(
      `${req.method} ${req.originalUrl} failed: database unavailable`,
      error instanceof Error ? error : { error: String(error) },
    );
    const message = databaseUnavailableMessage(req.method);
    res.status(503).set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    if (req.path.startsWith('/ofrep/')) {
      res.json({ errorCode: 'GENERAL', errorDetails: message });
      return;
    }
    res.json({
      error: { name: 'ServiceUnavailableError', message },
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 503 },
    });
  };
}
