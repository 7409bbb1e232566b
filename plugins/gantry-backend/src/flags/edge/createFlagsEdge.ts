import { UsageAggregator } from '@gantry/flags-edge';
import type { GantryContext } from '../../kernel/context';
import type { ClientKeyStore } from '../ClientKeyStore';
import { USAGE_BUCKET_MINUTES } from '../FlagService';
import type { FlagStore } from '../FlagStore';
import { readEdgeConfig } from './edgeConfig';
import { EdgeFeed } from './EdgeFeed';
import { createEdgeRouter } from './edgeRouter';
import { startInProcessEdge } from './inProcessEdge';
import { KnexEdgeKeyReader } from './KnexEdgeKeyReader';
import { createOfrepRouteGuard } from './ofrepRouteGuard';
import { storeUsageSink } from './usageSink';

const USAGE_FLUSH_MS = 10_000;

/**
 * The flag data plane's control-plane side: the feed (flag sets and key hashes in
 * memory), the change stream standalone edges follow, the in-process edge listener
 * when `gantry.flags.edge.port` is set, and the batched usage writer they all share.
 */
export async function createFlagsEdge(
  ctx: GantryContext,
  deps: {
    store: FlagStore;
    keyStore: ClientKeyStore;
    pollMs: number;
    /** Requests per second per client key on the in-process listener. */
    rateLimitPerSecond: number;
    /** Hears each revisions read of the feed's poll (the OFREP route's registry). */
    onRevisions?: ConstructorParameters<typeof EdgeFeed>[0]['onRevisions'];
  },
) {
  const config = readEdgeConfig(ctx.rootConfig);
  const feed = new EdgeFeed({
    store: deps.store,
    keys: new KnexEdgeKeyReader(ctx.db),
    logger: ctx.logger,
    pollMs: deps.pollMs,
    onRevisions: deps.onRevisions,
  });
  const sink = storeUsageSink({ flags: deps.store, keys: deps.keyStore });
  const usage = new UsageAggregator(() => USAGE_BUCKET_MINUTES);
  const flush = async () => {
    if (!usage.pending) return;
    const batch = usage.drain();
    await sink.write(batch).catch(() => usage.restore(batch));
  };
  await feed.start();
  const timer = setInterval(() => void flush(), USAGE_FLUSH_MS);
  timer.unref();
  const port = config.port;
  const listener =
    port === undefined
      ? undefined
      : await startInProcessEdge({
          feed,
          usage,
          config: { ...config, port },
          rateLimitPerSecond: deps.rateLimitPerSecond,
          logger: ctx.logger,
        });
  if (listener) ctx.logger.info(`Flag edge listening on port ${listener.port}`);
  ctx.lifecycle.addShutdownHook(async () => {
    clearInterval(timer);
    await listener?.stop();
    feed.stop();
    await flush();
  });
  return {
    feed,
    usage,
    listener,
    /** Goes in front of the backend's own OFREP/sync routes. */
    ofrepGuard: createOfrepRouteGuard({
      feed,
      unknownKeyRateLimitPerSecond: config.unknownKeyRateLimitPerSecond,
      maxStreamsPerKey: config.maxStreamsPerKey,
    }),
    router: createEdgeRouter({
      httpAuth: ctx.httpAuth,
      feed,
      usage: sink,
      subjects: config.subjects,
      heartbeatMs: config.heartbeatMs,
    }),
  };
}
