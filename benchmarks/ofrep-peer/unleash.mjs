#!/usr/bin/env node
// The peer of Gantry's OFREP benchmark: an unleash-server on a free port, against a
// fresh PostgreSQL database made for the run, serving one flag equivalent to the demo's
// `new-checkout-flow` (boolean, on for 25 % of users, sticky per user id).
//
//   import { startUnleash } from '../benchmarks/ofrep-peer/unleash.mjs';
//   const unleash = await startUnleash();  // { url, version, frontendTokens, flag, stop() }
//   ...
//   await unleash.stop();                  // stops the server, drops the database
//
// `node unleash.mjs serve` is the child process startUnleash() runs; `node unleash.mjs`
// starts one and keeps it up until Ctrl-C (to poke at it by hand).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const PG = {
  host: process.env.UNLEASH_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.UNLEASH_PG_PORT ?? 5432),
  user: process.env.UNLEASH_PG_USER ?? 'postgres',
  password: process.env.UNLEASH_PG_PASSWORD ?? '',
};
const FLAG = 'new-checkout-flow';
const PROJECT = 'default';
const ENVIRONMENT = 'development';
const self = fileURLToPath(import.meta.url);
// pg is unleash-server's own dependency; borrow it rather than declare a second copy
const { Client } = createRequire(createRequire(self).resolve('unleash-server'))(
  'pg',
);

async function admin(sql) {
  const client = new Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function waitFor(what, probe, seconds, child) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child?.exitCode !== null && child?.exitCode !== undefined)
      throw new Error(`unleash exited (${child.exitCode}) while ${what}`);
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`unleash: timed out ${what}`);
}

/**
 * Starts unleash-server as a child process (its own CPU accounting, like the portal)
 * and creates the flag through its admin API. `tokens` frontend API tokens are made,
 * as the Gantry side uses several client keys.
 */
export async function startUnleash({ tokens = 10, log = console.error } = {}) {
  const database = `unleash_bench_${process.pid}_${Date.now()}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = () => randomBytes(16).toString('hex');
  const adminToken = `*:*.${secret()}`;
  const frontendTokens = Array.from(
    { length: tokens },
    () => `${PROJECT}:${ENVIRONMENT}.${secret()}`,
  );

  await admin(`CREATE DATABASE "${database}"`);
  log(`unleash: database ${database}, starting on ${url}`);
  const child = spawn(process.execPath, [self, 'serve'], {
    // its logs go to stderr: the benchmark's stdout ends with its result lines
    stdio: ['ignore', 2, 2],
    env: {
      ...process.env,
      UNLEASH_BENCH_PORT: String(port),
      UNLEASH_BENCH_DATABASE: database,
      // documented in unleash's create-config: API tokens created at startup
      INIT_ADMIN_API_TOKENS: adminToken,
      INIT_FRONTEND_API_TOKENS: frontendTokens.join(','),
      // Unleash caps SDK API calls at 20,000 per minute by default (429 after that);
      // lifted so the benchmark measures evaluation, as Gantry's own per-key limit
      // (1000/s per key) is far above what the load sends per key
      SDK_API_RATE_LIMIT_PER_MINUTE: '100000000',
      TOKEN_AUTHENTICATION_RATE_LIMIT_PER_MINUTE: '100000000',
    },
  });

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    log(`unleash: stopped, database ${database} dropped`);
  };

  let version;
  try {
    // a fresh database runs every migration first
    await waitFor(
      'starting',
      async () => (await fetch(`${url}/health`)).ok,
      240,
      child,
    );
    const call = async (method, path, body) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          Authorization: adminToken,
          'Content-Type': 'application/json',
        },
        body: body && JSON.stringify(body),
      });
      if (!res.ok)
        throw new Error(
          `unleash ${method} ${path}: ${res.status} ${await res.text()}`,
        );
      return res;
    };
    const feature = `/api/admin/projects/${PROJECT}/features`;
    await call('POST', feature, { name: FLAG, type: 'release' });
    // Unleash's gradual rollout: 25 % of users, bucketed by userId (stickiness
    // "default" = userId, else sessionId), as Gantry's fractional 25/75 by targetingKey
    await call(
      'POST',
      `${feature}/${FLAG}/environments/${ENVIRONMENT}/strategies`,
      {
        name: 'flexibleRollout',
        parameters: { rollout: '25', stickiness: 'default', groupId: FLAG },
      },
    );
    await call('POST', `${feature}/${FLAG}/environments/${ENVIRONMENT}/on`);
    // the frontend API serves from a cache refreshed on change; wait until it has the flag
    await waitFor(
      'waiting for the frontend API to serve the flag',
      async () => {
        for (let i = 0; i < 20; i++) {
          const res = await fetch(`${url}/api/frontend`, {
            method: 'POST',
            headers: {
              Authorization: frontendTokens[0],
              'Content-Type': 'application/json',
            },
            body: JSON.stringify({ context: { userId: `probe-${i}` } }),
          });
          const body = await res.json();
          if (body.toggles?.some(t => t.name === FLAG)) return true;
        }
        return false;
      },
      60,
      child,
    );
    version = (await (await call('GET', '/api/admin/ui-config')).json())
      .version;
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, version, frontendTokens, flag: FLAG, stop };
}

async function serve() {
  const { start } = await import('unleash-server');
  await start({
    db: {
      ...PG,
      database: process.env.UNLEASH_BENCH_DATABASE,
      ssl: false,
    },
    server: {
      host: '127.0.0.1',
      port: Number(process.env.UNLEASH_BENCH_PORT),
      gracefulShutdownEnable: true,
    },
    logLevel: 'warn',
    versionCheck: { enable: false },
    telemetry: false,
  });
}

if (process.argv[1] === self) {
  if (process.argv[2] === 'serve') {
    await serve();
  } else {
    const unleash = await startUnleash();
    console.log(
      `unleash up at ${unleash.url}; frontend token ${unleash.frontendTokens[0]} (Ctrl-C stops it)`,
    );
    process.once('SIGINT', () => unleash.stop().then(() => process.exit(0)));
  }
}
