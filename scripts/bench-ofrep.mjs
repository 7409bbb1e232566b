#!/usr/bin/env node
// Benchmark (not a test): OFREP single evaluation on the production build, in one run:
//
//   bare engine     benchmarks/ofrep-bare-engine.mjs: node:http + flagd-core + SHA-256 key
//                   check, nothing else (the floor)
//   edge            packages/flags-edge's build (bin/flags-edge), one of two replicas
//                   following the backend's change stream
//   listener        the edge inside the backend process (gantry.flags.edge.port)
//   backend route   /api/gantry/ofrep/... through Backstage's Express pipeline
//   unleash-server  POST /api/frontend (benchmarks/ofrep-peer), the peer
//
// Each at saturation (autocannon, BENCH_CONNECTIONS, default 100, BENCH_DURATION seconds,
// default 20). Then, after all saturation runs and a cool-down, each at an offered
// BENCH_RATE (default 1,000) req/s for BENCH_DURATION seconds after a 3 s warm-up, from
// benchmarks/ofrep-offered-load.mjs in a process of its own: open-loop, evenly spaced,
// over a keep-alive pool (BENCH_OFFERED_SOCKETS, default 64, opened only when all are
// busy), as a load balancer sends. A do-nothing node:http server
// (benchmarks/ofrep-null-server.mjs) is measured the same way: the machine's floor in
// that run. The load average is taken before every phase. Then the kill switch:
// BENCH_KILLS (default 50) kills, each timed until both edge replicas serve the safe
// variant; and the memory of an edge replica holding 10,000 flags in 100 flag sets.
//
// The backend runs from packages/backend/dist/bundle.tar.gz unpacked into a temporary
// directory and started as the image starts it (node packages/backend --config ...), its
// workspace packages from the bundle, third-party packages from the repository's
// node_modules (NODE_PATH). BENCH_SKIP_BUILD=1 reuses the last builds. Results go to
// stdout (last line JSON) and bench-results/ofrep-edge.md.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startUnleash } from '../benchmarks/ofrep-peer/unleash.mjs';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const OFFERED_SOCKETS = Number(process.env.BENCH_OFFERED_SOCKETS ?? 64);
const COOL_DOWN_MS = 5000;
const KILLS = Number(process.env.BENCH_KILLS ?? 50);
const KEYS = 10;
const FLAG = 'new-checkout-flow';
const PORT = {
  backend: 7107,
  listener: 7109,
  edgeA: 7111,
  edgeB: 7112,
  bare: 7113,
  memory: 7114,
  null: 7115,
};
const seedToken = randomBytes(24).toString('base64url');
const edgeToken = randomBytes(24).toString('base64url');
const backendUrl = `http://127.0.0.1:${PORT.backend}`;
const gantry = `${backendUrl}/api/gantry`;
const entity = `${gantry}/entities/default/component/checkout`;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const log = m => console.error(`bench-ofrep: ${m}`);
const children = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-ofrep-'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
}

function start(name, cmd, args, opts) {
  const out = fs.openSync(path.join(work, `${name}.log`), 'w');
  const child = spawn(cmd, args, {
    stdio: ['ignore', out, out],
    detached: true,
    ...opts,
  });
  children.push(child);
  return child;
}

function stopAll() {
  for (const c of children)
    if (c.exitCode === null)
      try {
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        // gone
      }
}

async function waitFor(what, probe, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    const dead = children.find(c => c.exitCode !== null);
    if (dead)
      throw new Error(
        `${dead.spawnargs.join(' ')} exited (${
          dead.exitCode
        }) while waiting for ${what}; logs in ${work}`,
      );
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(
    `timed out after ${seconds} s waiting for ${what} (logs in ${work})`,
  );
}

async function call(method, url, body, token = seedToken) {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The production bundle unpacked as the image has it; workspace packages resolved from it. */
function unpackBackend() {
  const dir = path.join(work, 'backend');
  fs.mkdirSync(dir);
  run('tar', [
    'xzf',
    path.join(root, 'packages/backend/dist/bundle.tar.gz'),
    '-C',
    dir,
  ]);
  for (const group of ['packages', 'plugins']) {
    const base = path.join(dir, group);
    if (!fs.existsSync(base)) continue;
    for (const d of fs.readdirSync(base)) {
      const pkg = path.join(base, d, 'package.json');
      if (!fs.existsSync(pkg)) continue;
      const { name } = JSON.parse(fs.readFileSync(pkg, 'utf8'));
      const link = path.join(dir, 'node_modules', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(base, d), link);
    }
  }
  return dir;
}

function benchConfig() {
  const file = path.join(work, 'app-config.bench.yaml');
  const config = {
    backend: {
      baseUrl: backendUrl,
      listen: { host: '127.0.0.1', port: PORT.backend },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: seedToken, subject: 'gantry-bench' },
          },
          {
            type: 'static',
            options: { token: edgeToken, subject: 'gantry-flags-edge' },
            accessRestrictions: [{ plugin: 'gantry' }],
          },
        ],
      },
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: path.join(root, 'catalog-info.yaml'),
          rules: [
            {
              allow: [
                'Component',
                'System',
                'API',
                'Resource',
                'Location',
                'Group',
                'User',
                'Domain',
              ],
            },
          ],
        },
      ],
    },
    gantry: {
      flags: {
        // raised so evaluation is measured, not the limiter
        rateLimitPerSecond: 100_000_000,
        edge: { port: PORT.listener, host: '127.0.0.1' },
      },
    },
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2)); // JSON is YAML
  return file;
}

const evaluation = (url, secret) =>
  fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
  }).then(async r => ({
    status: r.status,
    body: await r.json().catch(() => ({})),
  }));

function load(url, headers, body, rate) {
  let n = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: req => {
          n++;
          return {
            ...req,
            headers: { 'content-type': 'application/json', ...headers(n) },
            body: JSON.stringify(body(n)),
          };
        },
      },
    ],
  });
}

const figures = r => ({
  requestsPerSecond: Math.round(r.requests.average),
  requests: r.requests.total,
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  errors: r.errors + r.timeouts,
  non2xx: r.non2xx,
});

const percentile = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const loadAverage = () =>
  os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(' ');

async function saturate(name, url, headers, body) {
  const loadBefore = loadAverage();
  log(
    `${name}: saturation, ${CONNECTIONS} connections, ${DURATION} s (load ${loadBefore})`,
  );
  const r = { ...figures(await load(url, headers, body)), loadBefore };
  log(`${name}: ${r.requestsPerSecond} req/s, p99 ${r.p99Ms} ms`);
  return r;
}

/** The offered-rate phase, from a load generator process of its own. */
async function offer(name, url, headers, body) {
  await sleep(COOL_DOWN_MS);
  const loadBefore = loadAverage();
  log(`${name}: offered ${RATE} req/s for ${DURATION} s (load ${loadBefore})`);
  const options = {
    url,
    rate: RATE,
    seconds: DURATION,
    warmupSeconds: 3,
    maxSockets: OFFERED_SOCKETS,
    headers: Array.from({ length: KEYS }, (_, n) => ({
      ...headers(n),
    })),
    bodies: Array.from({ length: 1000 }, (_, n) => JSON.stringify(body(n))),
  };
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'benchmarks/ofrep-offered-load.mjs'),
      JSON.stringify(options),
    ],
    { encoding: 'utf8', timeout: (DURATION + 60) * 1000 },
  );
  if (r.status !== 0)
    throw new Error(`offered load against ${url} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  log(
    `${name}: p99 ${out.fromSchedule.p99Ms} ms from schedule, ${out.fromSend.p99Ms} ms from send, generator lag p99 ${out.sendLag.p99Ms} ms`,
  );
  return {
    requests: out.requests,
    achievedRate: out.achievedRate,
    p50Ms: out.fromSchedule.p50Ms,
    p99Ms: out.fromSchedule.p99Ms,
    p999Ms: out.fromSchedule.p999Ms,
    maxMs: out.fromSchedule.maxMs,
    p99FromSendMs: out.fromSend.p99Ms,
    generatorLagP99Ms: out.sendLag.p99Ms,
    maxInFlight: out.maxInFlight,
    errors: out.errors + out.timeouts,
    non2xx: out.non2xx,
    loadBefore,
  };
}

/** 100 flag sets of 100 flags each, shaped like the demo's (segment + fractional split). */
function bigSnapshot() {
  const sets = [];
  const keys = [];
  for (let s = 0; s < 100; s++) {
    const entityRef = `component:default/service-${s}`;
    const flags = {};
    for (let f = 0; f < 100; f++)
      flags[`flag-${f}`] = {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          if: [
            { $ref: 'beta-tenants' },
            'on',
            {
              fractional: [
                ['on', 25 * (f % 4)],
                ['off', 100 - 25 * (f % 4)],
              ],
            },
          ],
        },
        metadata: { owner: `team-${s}`, flagSetId: `${entityRef}#staging` },
      };
    sets.push({
      entityRef,
      environment: 'staging',
      revision: 1,
      doc: {
        flags,
        $evaluators: {
          'beta-tenants': { in: [{ var: 'tenant' }, ['acme', 'globex']] },
        },
        metadata: { flagSetId: `${entityRef}#staging` },
      },
    });
    keys.push({
      id: `key-${s}`,
      hash: createHash('sha256').update(`gfk_memory-${s}`).digest('hex'),
      entityRef,
      environment: 'staging',
    });
  }
  return {
    revision: 100,
    sets,
    keys,
    usageBucketMinutes: 5,
    at: new Date().toISOString(),
  };
}

const edgeBin = path.join(root, 'packages/flags-edge/bin/flags-edge');
function startEdge(name, port, env = {}) {
  return start(name, process.execPath, [edgeBin], {
    cwd: root,
    env: {
      ...process.env,
      GANTRY_URL: gantry,
      GANTRY_EDGE_TOKEN: edgeToken,
      PORT: String(port),
      EDGE_SNAPSHOT_FILE: path.join(work, `${name}.snapshot.json`),
      EDGE_RATE_LIMIT_PER_SECOND: '100000000',
      ...env,
    },
  });
}

const health = async port =>
  (await fetch(`http://127.0.0.1:${port}/health`)).json();

try {
  const load0 = os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(' ');
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log(
      'building the backend bundle (yarn build:backend) and the edge (yarn workspace @gantry/flags-edge build)',
    );
    run('yarn', ['build:backend']);
    run('yarn', ['workspace', '@gantry/flags-edge', 'build']);
  }
  const backendDir = unpackBackend();
  const config = benchConfig();
  log(`starting the backend bundle from ${backendDir}`);
  start(
    'backend',
    process.execPath,
    [
      'packages/backend',
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      config,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NODE_PATH: path.join(root, 'node_modules'),
      },
    },
  );
  await waitFor(
    'the backend',
    async () => (await fetch(`${gantry}/health`)).ok,
    240,
  );
  await waitFor(
    'the catalog to hold component:default/checkout',
    async () =>
      (
        await fetch(
          `${backendUrl}/api/catalog/entities/by-name/component/default/checkout`,
          { headers: { authorization: `Bearer ${seedToken}` } },
        )
      ).ok,
    180,
  );
  await call('PUT', `${entity}/flags/staging/${FLAG}`, {
    flag: {
      type: 'release',
      definition: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 2500],
            ['off', 7500],
          ],
        },
      },
    },
    baseVersion: null,
    reason: 'benchmark',
  });
  const killFlag = {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'on',
  };
  let killVersion = (
    await call('PUT', `${entity}/flags/staging/bench-kill`, {
      flag: { type: 'kill-switch', definition: killFlag },
      baseVersion: null,
      reason: 'benchmark',
    })
  ).flag.version;
  const keys = [];
  for (let i = 0; i < KEYS; i++)
    keys.push(
      (
        await call('POST', `${entity}/flag-keys`, {
          environment: 'staging',
          name: `bench-${i}`,
        })
      ).secret,
    );

  startEdge('edge-a', PORT.edgeA);
  startEdge('edge-b', PORT.edgeB);
  for (const port of [PORT.edgeA, PORT.edgeB, PORT.listener])
    await waitFor(
      `the edge on :${port}`,
      async () => (await health(port)).status === 'ok',
      60,
    );

  // the bare engine gets the same flag set and key hashes
  const setFile = path.join(work, 'flagset.json');
  const sync = await fetch(
    `http://127.0.0.1:${PORT.edgeA}/flagd/v1/entities/default/component/checkout/staging/flags.json`,
    {
      headers: { authorization: `Bearer ${keys[0]}` },
    },
  );
  fs.writeFileSync(setFile, await sync.text());
  start(
    'bare',
    process.execPath,
    [
      path.join(root, 'benchmarks/ofrep-bare-engine.mjs'),
      String(PORT.bare),
      setFile,
      keys.map(k => createHash('sha256').update(k).digest('hex')).join(','),
    ],
    { cwd: root },
  );

  start(
    'null',
    process.execPath,
    [path.join(root, 'benchmarks/ofrep-null-server.mjs'), String(PORT.null)],
    { cwd: root },
  );
  const gantryHeaders = n => ({ authorization: `Bearer ${keys[n % KEYS]}` });
  const gantryBody = n => ({ context: { targetingKey: `user-${n}` } });
  const targets = [
    {
      name: 'bare engine (node:http + flagd-core + SHA-256 key check)',
      url: `http://127.0.0.1:${PORT.bare}/ofrep/v1/evaluate/flags/${FLAG}`,
    },
    {
      name: 'edge, standalone replica (packages/flags-edge build)',
      url: `http://127.0.0.1:${PORT.edgeA}/ofrep/v1/evaluate/flags/${FLAG}`,
    },
    {
      name: 'edge, in-process listener (backend bundle, :7109)',
      url: `http://127.0.0.1:${PORT.listener}/ofrep/v1/evaluate/flags/${FLAG}`,
    },
    {
      name: 'backend route /api/gantry/ofrep (Express pipeline)',
      url: `${gantry}/ofrep/v1/evaluate/flags/${FLAG}`,
    },
  ];
  for (const { name, url } of targets)
    await waitFor(
      `${name} to serve ${FLAG}`,
      async () => {
        const r = await evaluation(url, keys[0]);
        return r.status === 200 && typeof r.body.value === 'boolean';
      },
      30,
    );
  await waitFor(
    'the null server',
    async () =>
      (await evaluation(`http://127.0.0.1:${PORT.null}/`, keys[0])).status ===
      200,
    30,
  );

  log('starting unleash-server (fresh database)');
  const unleash = await startUnleash({ tokens: KEYS, log });
  let unleashVersion;
  const results = [];
  try {
    unleashVersion = unleash.version;
    const all = [
      ...targets.map(t => ({
        ...t,
        headers: gantryHeaders,
        body: gantryBody,
      })),
      {
        name: `unleash-server ${unleash.version} POST /api/frontend`,
        url: `${unleash.url}/api/frontend`,
        headers: n => ({ authorization: unleash.frontendTokens[n % KEYS] }),
        body: n => ({ context: { userId: `user-${n}` } }),
      },
    ];
    // Saturation runs first, then every offered-rate run after a cool-down, so no
    // offered-rate figure is taken while the previous saturation run's load lingers.
    for (const t of all)
      results.push({
        name: t.name,
        saturation: await saturate(t.name, t.url, t.headers, t.body),
      });
    for (const [i, t] of all.entries())
      results[i].offered = await offer(t.name, t.url, t.headers, t.body);
    results.push({
      name: 'null server (node:http, fixed answer: the machine and generator floor)',
      offered: await offer(
        'null server',
        `http://127.0.0.1:${PORT.null}/ofrep/v1/evaluate/flags/${FLAG}`,
        gantryHeaders,
        gantryBody,
      ),
    });
  } finally {
    await unleash.stop();
  }

  // Kill switch: time from the kill's POST until each replica serves the safe variant.
  log(`${KILLS} kills across the two replicas`);
  const kills = { a: [], b: [], both: [] };
  const killUrl = port =>
    `http://127.0.0.1:${port}/ofrep/v1/evaluate/flags/bench-kill`;
  const until = async (port, value, t0) => {
    while (performance.now() - t0 < 10_000) {
      const r = await evaluation(killUrl(port), keys[0]);
      if (r.status === 200 && r.body.value === value)
        return performance.now() - t0;
    }
    throw new Error(`:${port} did not serve ${value} within 10 s`);
  };
  for (let i = 0; i < KILLS; i++) {
    const t0 = performance.now();
    const [killed, a, b] = await Promise.all([
      call('POST', `${entity}/flags/staging/bench-kill/kill`, {
        reason: 'benchmark drill',
      }),
      until(PORT.edgeA, false, t0),
      until(PORT.edgeB, false, t0),
    ]);
    kills.a.push(a);
    kills.b.push(b);
    kills.both.push(Math.max(a, b));
    killVersion = killed.flag.version;
    const restored = await call(
      'POST',
      `${entity}/flags/staging/bench-kill/restore`,
      { baseVersion: killVersion, reason: 'benchmark drill over' },
    );
    killVersion = restored.flag?.version ?? killVersion;
    await Promise.all([
      until(PORT.edgeA, true, performance.now()),
      until(PORT.edgeB, true, performance.now()),
    ]);
    await sleep(Math.random() * 100);
  }

  // Memory: a replica holding 10,000 flags in 100 sets (served from its snapshot file),
  // against replica B holding the one benchmark set, both after some load.
  const snapshotFile = path.join(work, 'memory.snapshot.json');
  fs.writeFileSync(
    snapshotFile,
    JSON.stringify({ snapshot: bigSnapshot(), lastContactMs: Date.now() }),
  );
  startEdge('memory', PORT.memory, {
    GANTRY_URL: 'http://127.0.0.1:9/api/gantry', // nothing listens: it serves the snapshot
    EDGE_SNAPSHOT_FILE: snapshotFile,
  });
  await waitFor(
    'the 10,000-flag edge',
    async () => (await health(PORT.memory)).flagSets === 100,
    60,
  );
  const memLoad = await autocannon({
    url: `http://127.0.0.1:${PORT.memory}/ofrep/v1/evaluate/flags`,
    connections: 10,
    duration: 5,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, ctx) => ({
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer gfk_memory-${Math.floor(
              Math.random() * 100,
            )}`,
          },
          body: JSON.stringify({
            context: { targetingKey: `u-${Math.random()}`, tenant: 'acme' },
          }),
        }),
      },
    ],
  });
  const big = (await health(PORT.memory)).memory;
  const small = (await health(PORT.edgeB)).memory;

  const mb = b => Math.round((b / 1024 / 1024) * 10) / 10;
  const by = name => results.find(r => r.name.startsWith(name));
  const bare = by('bare');
  const edge = by('edge, standalone');
  const listener = by('edge, in-process');
  const route = by('backend route');
  const peer = by('unleash');
  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  const summary = {
    build:
      'backend: packages/backend/dist/bundle.tar.gz run as node packages/backend (NODE_ENV=production); edge: packages/flags-edge/dist via bin/flags-edge',
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    offeredRate: RATE,
    offeredLoad: `open loop from a separate process, keep-alive pool of up to ${OFFERED_SOCKETS} connections, 3 s warm-up, ${
      COOL_DOWN_MS / 1000
    } s cool-down`,
    loadAverageBefore: load0,
    loadAverageAfter: os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' '),
    results,
    ratios: {
      edgeVsBare: ratio(
        edge.saturation.requestsPerSecond,
        bare.saturation.requestsPerSecond,
      ),
      listenerVsBare: ratio(
        listener.saturation.requestsPerSecond,
        bare.saturation.requestsPerSecond,
      ),
      edgeVsUnleash: ratio(
        edge.saturation.requestsPerSecond,
        peer.saturation.requestsPerSecond,
      ),
      listenerVsUnleash: ratio(
        listener.saturation.requestsPerSecond,
        peer.saturation.requestsPerSecond,
      ),
      routeVsUnleash: ratio(
        route.saturation.requestsPerSecond,
        peer.saturation.requestsPerSecond,
      ),
    },
    killSwitch: {
      kills: KILLS,
      replicaAP50Ms: Math.round(percentile(kills.a, 50)),
      replicaAP99Ms: Math.round(percentile(kills.a, 99)),
      replicaBP99Ms: Math.round(percentile(kills.b, 99)),
      bothP50Ms: Math.round(percentile(kills.both, 50)),
      bothP99Ms: Math.round(percentile(kills.both, 99)),
    },
    memory: {
      tenThousandFlags: {
        rssMB: mb(big.rssBytes),
        heapUsedMB: mb(big.heapUsedBytes),
        bulkEvaluationsServed: memLoad.requests.total,
        non2xx: memLoad.non2xx,
      },
      oneSmallSet: {
        rssMB: mb(small.rssBytes),
        heapUsedMB: mb(small.heapUsedBytes),
      },
    },
    unleash: unleashVersion,
  };

  const dash = v => (v === undefined || v === null ? '–' : v);
  const saturationRow = r =>
    `| ${r.name} | ${r.saturation.requestsPerSecond.toLocaleString(
      'en-US',
    )} | ${r.saturation.p50Ms} | ${r.saturation.p99Ms} | ${
      r.saturation.errors
    } / ${r.saturation.non2xx} | ${r.saturation.loadBefore} |`;
  const offeredRow = r =>
    `| ${r.name} | ${r.offered.achievedRate} | ${r.offered.p50Ms} | ${
      r.offered.p99Ms
    } | ${dash(r.offered.p999Ms)} | ${r.offered.maxMs} | ${
      r.offered.p99FromSendMs
    } | ${r.offered.generatorLagP99Ms} | ${r.offered.maxInFlight} | ${
      r.offered.errors
    } / ${r.offered.non2xx} | ${r.offered.loadBefore} |`;
  const md = [
    '# OFREP data plane benchmark (`yarn bench:ofrep`)',
    '',
    `Run ${new Date().toISOString()} on ${
      os.cpus().length
    } cores; load average ${summary.loadAverageBefore} before, ${
      summary.loadAverageAfter
    } after (other work shared the machine). Single evaluation of \`${FLAG}\` (fractional 25/75), ${KEYS} client keys, rate limits raised.`,
    '',
    `Build: ${summary.build}.`,
    '',
    `## At saturation (autocannon, ${CONNECTIONS} connections, ${DURATION} s each)`,
    '',
    '| server | req/s | p50 ms | p99 ms | errors / non-2xx | load average before (1/5/15 min) |',
    '|---|---|---|---|---|---|',
    ...results.filter(r => r.saturation).map(saturationRow),
    '',
    `## At an offered ${RATE} req/s (open loop, ${DURATION} s after a 3 s warm-up, each after a ${
      COOL_DOWN_MS / 1000
    } s cool-down, all after the saturation runs)`,
    '',
    `benchmarks/ofrep-offered-load.mjs in a process of its own sends one request every ${
      1000 / RATE
    } ms on a fixed schedule over a keep-alive pool of up to ${OFFERED_SOCKETS} connections (opened only when all are busy). Latency is from each request's scheduled time (coordinated omission corrected); "from send" leaves out the generator's own lateness, shown next to it. The null server answers a fixed body without any work: its p99 is the floor this machine allowed in this run.`,
    '',
    '| server | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | p99 ms from send | generator lag p99 ms | most in flight | errors / non-2xx | load average before |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(offeredRow),
    '',
    `Ratios (req/s at saturation): edge/bare ${summary.ratios.edgeVsBare}, listener/bare ${summary.ratios.listenerVsBare}, edge/Unleash ${summary.ratios.edgeVsUnleash}, listener/Unleash ${summary.ratios.listenerVsUnleash}, backend route/Unleash ${summary.ratios.routeVsUnleash}.`,
    '',
    `Kill switch (${KILLS} kills, POST .../kill until each standalone replica serves the safe variant): replica A p50 ${summary.killSwitch.replicaAP50Ms} ms, p99 ${summary.killSwitch.replicaAP99Ms} ms; replica B p99 ${summary.killSwitch.replicaBP99Ms} ms; both replicas p50 ${summary.killSwitch.bothP50Ms} ms, p99 ${summary.killSwitch.bothP99Ms} ms.`,
    '',
    `Memory of a standalone replica holding 10,000 flags in 100 flag sets (segment + fractional targeting each), after ${summary.memory.tenThousandFlags.bulkEvaluationsServed} bulk evaluations: RSS ${summary.memory.tenThousandFlags.rssMB} MB, heap used ${summary.memory.tenThousandFlags.heapUsedMB} MB; a replica holding the one benchmark set: RSS ${summary.memory.oneSmallSet.rssMB} MB, heap ${summary.memory.oneSmallSet.heapUsedMB} MB.`,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results/ofrep-edge.md'), md);
  console.log(md);
  console.log(JSON.stringify(summary));
  const failures = results.filter(
    r =>
      r.saturation?.errors ||
      r.saturation?.non2xx ||
      r.offered.errors ||
      r.offered.non2xx,
  );
  if (failures.length) {
    log(
      `errors or non-2xx answers in: ${failures.map(f => f.name).join(', ')}`,
    );
    process.exitCode = 1;
  }
} finally {
  stopAll();
  if (process.env.BENCH_KEEP !== '1')
    fs.rmSync(work, { recursive: true, force: true });
}
