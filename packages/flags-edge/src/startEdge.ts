import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgeState } from './EdgeState';
import { createEdgeServer, type EdgeServerOptions } from './server';
import { readSnapshotFile, writeSnapshotFile } from './snapshotFile';
import { StreamClient } from './StreamClient';
import { UsageAggregator } from './usage';

export interface StandaloneEdgeOptions extends EdgeServerOptions {
  controlPlaneUrl: string;
  token: string;
  port?: number;
  host?: string;
  snapshotFile?: string;
  usageFlushMs?: number;
  idleTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * A standalone edge: reads its persisted snapshot (if any) so it can serve before the
 * control plane answers, follows the change stream and listens on `port`.
 */
export async function startStandaloneEdge(opts: StandaloneEdgeOptions) {
  const log = opts.log ?? (() => {});
  const state = new EdgeState();
  if (opts.snapshotFile) {
    const saved = await readSnapshotFile(opts.snapshotFile).catch(e => {
      log(`ignoring the snapshot file: ${e}`);
      return undefined;
    });
    if (saved) {
      state.apply(
        { type: 'snapshot', snapshot: saved.snapshot },
        'snapshot-file',
      );
      state.lastContactMs = saved.lastContactMs;
      log(
        `serving the snapshot from ${opts.snapshotFile} (revision ${saved.snapshot.revision}) until the control plane answers`,
      );
    }
  }
  const usage = new UsageAggregator(() => state.usageBucketMinutes);
  const edge = createEdgeServer(state, usage, opts);
  const client = new StreamClient({
    controlPlaneUrl: opts.controlPlaneUrl.replace(/\/$/, ''),
    token: opts.token,
    state,
    usage,
    snapshotFile: opts.snapshotFile,
    usageFlushMs: opts.usageFlushMs,
    idleTimeoutMs: opts.idleTimeoutMs,
    log,
  });
  const server = http.createServer(edge.handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 7010, opts.host, () => resolve());
  });
  client.start();
  const port = (server.address() as AddressInfo).port;
  return {
    state,
    edge,
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      edge.close();
      await client.stop();
      if (opts.snapshotFile && state.hasData)
        await writeSnapshotFile(opts.snapshotFile, {
          snapshot: state.toSnapshot(),
          lastContactMs: state.lastContactMs,
        }).catch(() => {});
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}
