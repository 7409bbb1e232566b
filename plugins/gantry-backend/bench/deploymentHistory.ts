/* eslint-disable no-console */
// Benchmark (not a test): ingest deployment notifications through the history service
// into PostgreSQL (127.0.0.1:5432) and, as the peer in the same run, SQLite; then read a
// year of DORA figures for one entity. Prints events/s, the PostgreSQL/SQLite ratio and
// DORA p50/p95. BENCH_EVENTS (default 100000) and BENCH_DORA_RUNS (default 200) scale it.
import { ConfigReader } from '@backstage/config';
import knexFactory, { type Knex } from 'knex';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readGantryConfig } from '../src/kernel/config/gantryConfig';
import { DeploymentHistoryService } from '../src/history/DeploymentHistoryService';
import { KnexDeploymentStore } from '../src/history/KnexDeploymentStore';
import type { DeploymentEvent } from '../src/history/webhookPayloads';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const DORA_RUNS = Number(process.env.BENCH_DORA_RUNS ?? 200);
const ENTITIES = 50;
const CONCURRENCY = 16;
const PG =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const END = Date.parse('2026-11-26T00:00:00Z');
const YEAR = 365 * 86_400_000;

const entity = (i: number) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `svc-${i}`, namespace: 'default' },
  spec: {},
});

/** A year of syncs per entity, alternating environments, ~8 % failed. */
function event(n: number): DeploymentEvent {
  const e = n % ENTITIES;
  const k = Math.floor(n / ENTITIES);
  const perEntity = Math.ceil(EVENTS / ENTITIES);
  const start = END - YEAR + Math.floor((k / perEntity) * YEAR);
  const env = k % 2 ? 'production' : 'staging';
  return {
    source: 'argocd',
    application: `svc-${e}-${env}`,
    entityRef: `component:default/svc-${e}`,
    environment: env,
    revision: (k * 7919).toString(16).padStart(40, '0'),
    phase: k % 13 === 0 ? 'Failed' : 'Succeeded',
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + 60_000 + (k % 17) * 5_000).toISOString(),
    commitTime: new Date(start - 3_600_000 - (k % 11) * 600_000).toISOString(),
    initiatedBy: { automated: k % 5 !== 0, username: 'ci' },
  };
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor(q * xs.length))
  ];

async function run(label: string, db: Knex) {
  await db.migrate.latest({ directory: path.join(__dirname, '../migrations') });
  const service = new DeploymentHistoryService({
    store: new KnexDeploymentStore(db),
    // The catalog is not what is measured: resolve every entity ref at once.
    catalog: {
      getEntityByRef: async (ref: string) =>
        entity(Number(ref.split('svc-')[1])),
    } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    config: readGantryConfig(new ConfigReader({})),
    now: () => new Date(END),
  });

  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < EVENTS; n = next++)
        await service.ingest(event(n));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const stored = Number(
    (await db('gantry_deployments').count({ n: '*' }))[0].n,
  );
  if (stored !== EVENTS)
    throw new Error(`${label}: stored ${stored} of ${EVENTS}`);

  const times: number[] = [];
  let figures;
  for (let i = 0; i < DORA_RUNS; i++) {
    const t = performance.now();
    figures = await service.dora(
      'component:default/svc-7',
      'production',
      '365d',
    );
    times.push(performance.now() - t);
  }
  return {
    eventsPerSecond: Math.round(EVENTS / seconds),
    ingestSeconds: Number(seconds.toFixed(1)),
    doraP50Ms: Number(quantile(times, 0.5).toFixed(2)),
    doraP95Ms: Number(quantile(times, 0.95).toFixed(2)),
    doraDeployments: figures!.current.deployments,
  };
}

async function main() {
  const name = `gantry_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: PG });
  await admin.raw('create database ??', [name]);
  const pg = knexFactory({
    client: 'pg',
    connection: `${PG}/${name}`,
    pool: { min: 0, max: CONCURRENCY },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  try {
    const postgres = await run('postgres', pg);
    const sqliteResult = await run('sqlite', sqlite);
    const result = {
      benchmark: 'deployments: ingest notifications, read a year of DORA',
      events: EVENTS,
      concurrency: CONCURRENCY,
      postgres,
      sqlite: sqliteResult,
      postgresToSqliteIngestRatio: Number(
        (postgres.eventsPerSecond / sqliteResult.eventsPerSecond).toFixed(2),
      ),
    };
    console.log(
      `PostgreSQL: ${postgres.eventsPerSecond} events/s (${EVENTS} in ${postgres.ingestSeconds} s), DORA 365d p95 ${postgres.doraP95Ms} ms (p50 ${postgres.doraP50Ms} ms, ${postgres.doraDeployments} deployments)`,
    );
    console.log(
      `SQLite (peer): ${sqliteResult.eventsPerSecond} events/s, DORA 365d p95 ${sqliteResult.doraP95Ms} ms; PostgreSQL/SQLite ingest ratio ${result.postgresToSqliteIngestRatio}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await pg.destroy();
    await sqlite.destroy();
    await admin.raw('drop database if exists ??', [name]);
    await admin.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
