import type { EvaluationContext, JsonValue } from '@openfeature/core';
import type { CompiledFlagSet } from './FlagSetRegistry';

/** OFREP success body (open-feature/protocol service/openapi.yaml). */
export interface OfrepSuccess {
  key: string;
  reason: string;
  variant?: string;
  value?: JsonValue;
  metadata?: Record<string, string | number | boolean>;
}

/** OFREP evaluation failure, as a 400/404 body or an entry of a bulk response. */
interface OfrepFailure {
  key: string;
  errorCode:
    | 'PARSE_ERROR'
    | 'TARGETING_KEY_MISSING'
    | 'INVALID_CONTEXT'
    | 'GENERAL'
    | 'FLAG_NOT_FOUND';
  errorDetails?: string;
}

type OfrepResult =
  | { ok: true; body: OfrepSuccess }
  | { ok: false; status: 400 | 404; body: OfrepFailure };

/**
 * Evaluates one flag for OFREP with flagd-core. DISABLED and a DEFAULT without
 * defaultVariant are successes without a value (the application uses its code default).
 * As in flagd, a fractional split without a targetingKey (missing, null or empty) picks
 * no bucket and serves the default variant with reason DEFAULT.
 */
export function evaluateFlag(
  set: CompiledFlagSet,
  key: string,
  context: EvaluationContext,
): OfrepResult {
  const flag = set.core.getFlag(key);
  if (!flag) {
    return {
      ok: false,
      status: 404,
      body: {
        key,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: `No flag '${key}' in this flag set.`,
      },
    };
  }
  const metadata = flag.metadata as OfrepSuccess['metadata'];
  if (flag.state === 'DISABLED') {
    return { ok: true, body: { key, reason: 'DISABLED', metadata } };
  }
  const r = flag.evaluate(context);
  if (r.errorCode) {
    return {
      ok: false,
      status: 400,
      body: {
        key,
        errorCode: r.errorCode === 'PARSE_ERROR' ? 'PARSE_ERROR' : 'GENERAL',
        ...(r.errorMessage ? { errorDetails: r.errorMessage } : {}),
      },
    };
  }
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
