import type { EvaluationContext, JsonValue } from '@openfeature/core';
import type { FlagdCore } from '@openfeature/flagd-core';
import type { FlagSetDocument } from './protocol';

/** A flag set ready to evaluate: the document, its content ETag and a loaded FlagdCore. */
export interface CompiledFlagSet {
  entityRef: string;
  environment: string;
  doc: FlagSetDocument;
  etag: string;
  core: FlagdCore;
}

/** OFREP success body (open-feature/protocol service/openapi.yaml). */
export interface OfrepSuccess {
  key: string;
  reason: string;
  variant?: string;
  value?: JsonValue;
  metadata?: Record<string, string | number | boolean>;
}

/** OFREP evaluation failure, as a 400/404 body or an entry of a bulk response. */
export interface OfrepFailure {
  key: string;
  errorCode:
    | 'PARSE_ERROR'
    | 'TARGETING_KEY_MISSING'
    | 'INVALID_CONTEXT'
    | 'GENERAL'
    | 'FLAG_NOT_FOUND';
  errorDetails?: string;
}

export type OfrepResult =
  | { ok: true; body: OfrepSuccess }
  | { ok: false; status: 400 | 404; body: OfrepFailure };

/**
 * One flag for OFREP, with flagd-core. DISABLED and a DEFAULT without defaultVariant are
 * successes without a value: the application uses its code default. As in flagd, a
 * fractional split without a targetingKey picks no bucket and serves the default
 * variant (reason DEFAULT). The backend's own OFREP route evaluates with this function
 * too, so the two shapes cannot drift.
 */
export function evaluateFlag(
  set: CompiledFlagSet,
  key: string,
  context: EvaluationContext,
): OfrepResult {
  const flag = set.core.getFlag(key);
  if (!flag)
    return {
      ok: false,
      status: 404,
      body: {
        key,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: `No flag '${key}' in this flag set.`,
      },
    };
  const metadata = flag.metadata as OfrepSuccess['metadata'];
  if (flag.state === 'DISABLED')
    return { ok: true, body: { key, reason: 'DISABLED', metadata } };
  const r = flag.evaluate(context);
  if (r.errorCode)
    return {
      ok: false,
      status: 400,
      body: {
        key,
        errorCode: r.errorCode === 'PARSE_ERROR' ? 'PARSE_ERROR' : 'GENERAL',
        ...(r.errorMessage ? { errorDetails: r.errorMessage } : {}),
      },
    };
  return {
    ok: true,
    body: {
      key,
      reason: r.reason ?? 'UNKNOWN',
      ...(r.variant !== undefined ? { variant: r.variant } : {}),
      ...(r.value !== undefined ? { value: r.value as JsonValue } : {}),
      metadata,
    },
  };
}

/** Every flag of the set, failures included per flag (bulk evaluation). */
export function evaluateAll(
  set: CompiledFlagSet,
  context: EvaluationContext,
): Array<OfrepSuccess | OfrepFailure> {
  return [...set.core.getFlags().keys()].map(
    key => evaluateFlag(set, key, context).body,
  );
}

/** The variant served, or `(disabled)` / `(default)` when the application's default was used. */
export const variantOf = (r: OfrepSuccess) =>
  r.variant ?? `(${r.reason.toLocaleLowerCase('en-US')})`;
