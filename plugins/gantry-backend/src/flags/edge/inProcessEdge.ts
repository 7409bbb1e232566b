import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEdgeServer,
  EdgeState,
  type UsageAggregator,
} from '@gantry/flags-edge';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EdgeConfig } from './edgeConfig';
import type { EdgeFeed } from './EdgeFeed';

/**
 * The edge inside the backend process, on its own port: the same server the standalone
 * edge runs, fed from the feed in memory instead of over HTTP, outside Backstage's
 * Express pipeline. The feed's last good database read counts as contact with the
 * control plane, so staleness means the same here as on a standalone edge.
 */
export async function startInProcessEdge(deps: {
  feed: EdgeFeed;
  usage: UsageAggregator;
  config: EdgeConfig & { port: number };
  rateLimitPerSecond: number;
  logger: LoggerService;
}) {
  const { feed, config } = deps;
  const state = new EdgeState();
  const sync = () => {
    state.connected = feed.healthy;
    if (feed.healthy) {
      state.lastContactMs = feed.lastRefreshMs;
      state.controlPlaneDatabase = { database: 'ok' };
    } else if (feed.failingSinceMs !== undefined)
      state.controlPlaneDatabase = {
        database: 'down',
        since: new Date(feed.failingSinceMs).toISOString(),
      };
  };
  const unsubscribe = feed.subscribe(m => {
    state.apply(m);
    sync();
  });
  const timer = setInterval(sync, 500);
  timer.unref();
  const edge = createEdgeServer(state, deps.usage, {
    rateLimitPerSecond: deps.rateLimitPerSecond,
    staleAfterMs: config.staleAfterMs,
    staleMode: config.staleMode,
    maxStreamsPerKey: config.maxStreamsPerKey,
    unknownKeyRateLimitPerSecond: config.unknownKeyRateLimitPerSecond,
    publicBaseUrl: config.publicBaseUrl,
  });
  const server = http.createServer(edge.handler);
  server.keepAliveTimeout = 65_000;
  const listening = await new Promise<Error | undefined>(resolve => {
    server.once('error', resolve);
    server.listen(config.port, config.host, () => resolve(undefined));
  });
  if (listening) {
    // The portal must not fail to start because the data-plane port is taken: the
    // backend's own OFREP route still serves; the error says what to change.
    clearInterval(timer);
    unsubscribe();
    edge.close();
    deps.logger.error(
      `The flag edge listener cannot listen on port ${config.port} (${listening.message}); OFREP is served at /api/gantry/ofrep only. Free the port or change gantry.flags.edge.port.`,
    );
    return undefined;
  }
  return {
    state,
    edge,
    port: (server.address() as AddressInfo).port,
    async stop() {
      clearInterval(timer);
      unsubscribe();
      edge.close();
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}
