import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { RequestHandler } from 'express';

/** The routes whose cost earned them a per-principal limit (gantry.limits.<name>). */
export type LimitedRoute = 'complianceReport' | 'dora' | 'evidenceUpload';

export interface RateLimitRule {
  /** Sustained requests per minute one principal may make on one replica. */
  requestsPerMinute: number;
  /** Requests a principal may make at once before the sustained rate applies. */
  burst: number;
}

/**
 * Far above what a person clicking through the portal or a CI pipeline uploading its
 * evidence does (the demo seed and the e2e suite never come close), far below the
 * ~92 report/s and ~185 DORA/s one user drove in the security review.
 */
export const DEFAULT_RATE_LIMITS: Record<LimitedRoute, RateLimitRule> = {
  complianceReport: { requestsPerMinute: 30, burst: 20 },
  dora: { requestsPerMinute: 240, burst: 60 },
  evidenceUpload: { requestsPerMinute: 300, burst: 200 },
};

export function readRateLimit(
  config: Config,
  route: LimitedRoute,
): RateLimitRule {
  const c = config.getOptionalConfig(`gantry.limits.${route}`);
  const rule = {
    requestsPerMinute:
      c?.getOptionalNumber('requestsPerMinute') ??
      DEFAULT_RATE_LIMITS[route].requestsPerMinute,
    burst: c?.getOptionalNumber('burst') ?? DEFAULT_RATE_LIMITS[route].burst,
  };
  for (const [key, v] of Object.entries(rule)) {
    if (!(v > 0)) {
      throw new Error(
        `gantry.limits.${route}.${key} must be a number above 0, got ${v}`,
      );
    }
  }
  return rule;
}

/**
 * A token bucket per principal, in this replica's memory: `burst` tokens, refilled at
 * `requestsPerMinute`. With N replicas a principal gets up to N times the rate, which
 * still bounds the load each replica takes.
 */
export class PrincipalRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the request may go ahead, else the whole seconds until it may. */
  take(principal: string): number {
    const t = this.now();
    const perMs = this.rule.requestsPerMinute / 60_000;
    const b = this.buckets.get(principal);
    const tokens = b
      ? Math.min(this.rule.burst, b.tokens + (t - b.at) * perMs)
      : this.rule.burst;
    if (tokens >= 1) {
      if (!b && this.buckets.size >= 10_000) this.evictFull(t);
      this.buckets.set(principal, { tokens: tokens - 1, at: t });
      return 0;
    }
    this.buckets.set(principal, { tokens, at: t });
    return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  }

  /** Buckets that have refilled are the same as no bucket. */
  private evictFull(t: number) {
    const perMs = this.rule.requestsPerMinute / 60_000;
    for (const [k, b] of this.buckets) {
      if (b.tokens + (t - b.at) * perMs >= this.rule.burst)
        this.buckets.delete(k);
    }
  }
}

/**
 * Middleware for one expensive route: 429 with Retry-After once the caller (the user,
 * or the service principal) has spent its budget. Callers without credentials pass
 * through and get the route's own 401.
 */
export function rateLimit(deps: {
  httpAuth: HttpAuthService;
  config: Config;
  route: LimitedRoute;
  now?: () => number;
}): RequestHandler {
  const rule = readRateLimit(deps.config, deps.route);
  const limiter = new PrincipalRateLimiter(rule, deps.now);
  return async (req, res, next) => {
    let principal: string;
    try {
      const credentials = await deps.httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const p = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      principal = p.userEntityRef ?? `service:${p.subject}`;
    } catch {
      next();
      return;
    }
    const wait = limiter.take(principal);
    if (wait === 0) {
      next();
      return;
    }
    res.set('Retry-After', String(wait));
    const e = new Error(
      `Too many ${deps.route} requests from ${principal}: the limit is ${rule.requestsPerMinute} per minute (bursts of ${rule.burst}). Retry in ${wait} s, or raise gantry.limits.${deps.route}.requestsPerMinute / burst in app-config.`,
    );
    e.name = 'TooManyRequestsError';
    (e as Error & { statusCode: number }).statusCode = 429;
    next(e);
  };
}
