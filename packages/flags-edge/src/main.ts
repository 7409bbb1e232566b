import { startStandaloneEdge } from './startEdge';
import type { StaleMode } from './server';

function num(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got '${v}'`);
  return n;
}

/**
 * The standalone edge process, configured from the environment:
 *   GANTRY_URL               the backend's Gantry base URL (http://backstage:7007/api/gantry)
 *   GANTRY_EDGE_TOKEN        a static token from backend.auth.externalAccess
 *   PORT                     default 7010
 *   EDGE_SNAPSHOT_FILE       where the last snapshot is kept (default ./flags-edge-snapshot.json)
 *   EDGE_STALE_AFTER_SECONDS default 300
 *   EDGE_STALE_MODE          fail-closed (default) | fail-open
 *   EDGE_RATE_LIMIT_PER_SECOND, EDGE_UNKNOWN_KEY_RATE_LIMIT_PER_SECOND, EDGE_MAX_STREAMS_PER_KEY
 *   EDGE_PUBLIC_URL          origin clients reach this edge at (for SSE URLs)
 */
export async function main(): Promise<void> {
  const controlPlaneUrl = process.env.GANTRY_URL;
  const token = process.env.GANTRY_EDGE_TOKEN;
  if (!controlPlaneUrl || !token)
    throw new Error(
      'Set GANTRY_URL (e.g. http://backstage:7007/api/gantry) and GANTRY_EDGE_TOKEN (a backend.auth.externalAccess static token).',
    );
  const staleMode = (process.env.EDGE_STALE_MODE ?? 'fail-closed') as StaleMode;
  if (staleMode !== 'fail-closed' && staleMode !== 'fail-open')
    throw new Error(
      `EDGE_STALE_MODE must be fail-closed or fail-open, got '${staleMode}'`,
    );
  const log = (m: string) =>
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), message: m })}\n`,
    );
  const stale = num('EDGE_STALE_AFTER_SECONDS');
  const edge = await startStandaloneEdge({
    controlPlaneUrl,
    token,
    port: num('PORT') ?? 7010,
    snapshotFile:
      process.env.EDGE_SNAPSHOT_FILE ?? './flags-edge-snapshot.json',
    staleAfterMs: stale === undefined ? undefined : stale * 1000,
    staleMode,
    rateLimitPerSecond: num('EDGE_RATE_LIMIT_PER_SECOND'),
    unknownKeyRateLimitPerSecond: num('EDGE_UNKNOWN_KEY_RATE_LIMIT_PER_SECOND'),
    maxStreamsPerKey: num('EDGE_MAX_STREAMS_PER_KEY'),
    publicBaseUrl: process.env.EDGE_PUBLIC_URL,
    log,
  });
  log(`flag edge listening on :${edge.port}, control plane ${controlPlaneUrl}`);
  const shutdown = () => {
    edge.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
