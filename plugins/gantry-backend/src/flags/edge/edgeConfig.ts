import type { Config } from '@backstage/config';
import type { StaleMode } from '@gantry/flags-edge';

export interface EdgeConfig {
  /** Port of the in-process edge listener; none when unset. */
  port?: number;
  host?: string;
  /** Service principals (static-token subjects) allowed to follow the change stream. */
  subjects: string[];
  heartbeatMs: number;
  staleAfterMs: number;
  staleMode: StaleMode;
  maxStreamsPerKey: number;
  unknownKeyRateLimitPerSecond: number;
  /** Origin clients reach the in-process listener at, for SSE URLs. */
  publicBaseUrl?: string;
}

/** Reads `gantry.flags.edge`. */
export function readEdgeConfig(config: Config): EdgeConfig {
  const e = config.getOptionalConfig('gantry.flags.edge');
  const staleMode = e?.getOptionalString('staleMode') ?? 'fail-closed';
  if (staleMode !== 'fail-closed' && staleMode !== 'fail-open')
    throw new Error(
      `gantry.flags.edge.staleMode must be fail-closed or fail-open, got '${staleMode}'`,
    );
  return {
    port: e?.getOptionalNumber('port'),
    host: e?.getOptionalString('host'),
    subjects: e?.getOptionalStringArray('subjects') ?? ['gantry-flags-edge'],
    heartbeatMs: e?.getOptionalNumber('heartbeatMs') ?? 5000,
    staleAfterMs: (e?.getOptionalNumber('staleAfterSeconds') ?? 300) * 1000,
    staleMode,
    maxStreamsPerKey: e?.getOptionalNumber('maxStreamsPerKey') ?? 20,
    unknownKeyRateLimitPerSecond:
      e?.getOptionalNumber('unknownKeyRateLimitPerSecond') ?? 20,
    publicBaseUrl: e?.getOptionalString('publicBaseUrl'),
  };
}
