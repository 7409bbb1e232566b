#!/usr/bin/env node
// Benchmark (not a test): OFREP evaluations at 100 connections for 60 s against the
// portal's backend (started here when nothing listens on :7007), while a probe reads
// the catalog and Gantry's overview every 500 ms to show whether the portal stays
// responsive. Then the same load against the peer, unleash-server (started here on its
// own fresh PostgreSQL database, see benchmarks/ofrep-peer/unleash.mjs) serving an
// equivalent flag. Prints requests/s, latency percentiles, non-2xx count and the probe's
// p95 for Gantry, the same for Unleash, and the ratios Gantry/Unleash.
// BENCH_CONNECTIONS and BENCH_DURATION (seconds) scale it.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startUnleash } from '../benchmarks/ofrep-peer/unleash.mjs';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const duration = Number(process.env.BENCH_DURATION ?? 60);
const KEYS = 10;
const auth = {
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
};
const entity = `${backend}/api/gantry/entities/default/component/checkout`;

/** autocannon at the benchmark's connections and duration; `body(n)` is request n's. */
function load(url, headers, body) {
  let n = 0;
  return autocannon({
    url,
    connections,
    duration,
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

const figures = result => ({
  requests: result.requests.total,
  requestsPerSecond: Math.round(result.requests.average),
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [
      code,
      s.count,
    ]),
  ),
});

const up = async () => {
  try {
    return (await fetch(`${backend}/api/gantry/health`)).ok;
  } catch {
    return false;
  }
};

let started;
if (!(await up())) {
  console.log('no portal on :7007; starting one (bash scripts/lib/portal.sh)');
  started = spawn(
    'bash',
    [
      '-c',
      'source scripts/env.sh; source scripts/lib/portal.sh; start_portal_background; wait_for_portal && seed_demo; sleep infinity',
    ],
    { cwd: root, stdio: 'ignore', detached: true },
  );
  for (let i = 0; i < 600 && !(await up()); i++)
    await new Promise(r => setTimeout(r, 1000));
  // the seed writes the flags the load reads
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${entity}/flags`, { headers: auth }).catch(
      () => undefined,
    );
    if (
      res?.ok &&
      JSON.stringify(await res.json()).includes('new-checkout-flow')
    )
      break;
    await new Promise(r => setTimeout(r, 1000));
  }
}

try {
  // several client keys, as several application instances would hold
  const keys = [];
  for (let i = 0; i < KEYS; i++) {
    const res = await fetch(`${entity}/flag-keys`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        environment: 'staging',
        name: `bench-${Date.now()}-${i}`,
      }),
    });
    if (!res.ok)
      throw new Error(
        `creating a client key: ${res.status} ${await res.text()}`,
      );
    keys.push((await res.json()).secret);
  }

  const probe = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t0 = performance.now();
      const r = await fetch(`${entity}/overview`, { headers: auth }).catch(
        () => undefined,
      );
      probe.push({ ms: performance.now() - t0, ok: Boolean(r?.ok) });
      await new Promise(r2 => setTimeout(r2, 500));
    }
  })();

  const result = await load(
    `${backend}/api/gantry/ofrep/v1/evaluate/flags/new-checkout-flow`,
    n => ({ authorization: `Bearer ${keys[n % KEYS]}` }),
    n => ({ context: { targetingKey: `user-${n}` } }),
  );
  probing = false;
  await prober;

  // The peer, after Gantry's run so neither load disturbs the other. Its closest
  // equivalent of one OFREP evaluation is the frontend API, POST /api/frontend with a
  // context: authenticated by a per-application token, it evaluates on the server, per
  // request, every flag the token can see (here only the equivalent flag) for that
  // context, as OFREP does for one key. Its client features endpoint is not comparable:
  // it hands the flag configuration to SDKs that evaluate locally (like Gantry's flagd
  // sync source) and evaluates nothing.
  const unleash = await startUnleash({ tokens: KEYS });
  let peer;
  try {
    peer = await load(
      `${unleash.url}/api/frontend`,
      n => ({ authorization: unleash.frontendTokens[n % KEYS] }),
      n => ({ context: { userId: `user-${n}` } }),
    );
  } finally {
    await unleash.stop();
  }

  const sorted = probe.map(p => p.ms).sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? null;
  const ratio = (a, b) => (b ? Math.round((a / b) * 100) / 100 : null);
  const summary = {
    benchmark: `OFREP: ${connections} connections for ${duration} s`,
    ...figures(result),
    portalProbeP95Ms: p95 === null ? null : Math.round(p95),
    portalProbeFailures: probe.filter(p => !p.ok).length,
    peer: {
      name: `unleash-server ${unleash.version}`,
      endpoint: 'POST /api/frontend',
      ...figures(peer),
    },
  };
  summary.ratioRequestsPerSecond = ratio(
    summary.requestsPerSecond,
    summary.peer.requestsPerSecond,
  );
  summary.ratioLatencyP99 = ratio(
    summary.latencyP99Ms,
    summary.peer.latencyP99Ms,
  );
  const line = (name, f) =>
    `${name}: ${f.requestsPerSecond} req/s over ${duration} s at ${connections} connections (${f.requests} requests), p50 ${f.latencyP50Ms} ms, p99 ${f.latencyP99Ms} ms, ${f.non2xx} non-2xx, ${f.errors} errors`;
  console.log(
    `${line('Gantry OFREP', summary)}; portal overview p95 ${
      summary.portalProbeP95Ms
    } ms during the load (${summary.portalProbeFailures} failed)`,
  );
  console.log(
    line(`${summary.peer.name} ${summary.peer.endpoint}`, summary.peer),
  );
  console.log(
    `Gantry/Unleash: ${summary.ratioRequestsPerSecond}x the requests/s, ${summary.ratioLatencyP99}x the p99 latency`,
  );
  console.log(JSON.stringify(summary));
  if (
    summary.non2xx ||
    summary.errors ||
    summary.peer.non2xx ||
    summary.peer.errors
  )
    process.exitCode = 1;
} finally {
  if (started) {
    spawnSync(
      'bash',
      [
        '-c',
        'source scripts/env.sh; source scripts/lib/portal.sh; stop_portal',
      ],
      { cwd: root, stdio: 'ignore' },
    );
    try {
      process.kill(-started.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
