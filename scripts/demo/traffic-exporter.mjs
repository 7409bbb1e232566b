#!/usr/bin/env node
// Synthetic HTTP traffic for the demo services, exported in Prometheus's text format:
// one scrape path per pod (/metrics/<namespace>/<pod>), so the demo Prometheus scrapes
// each pod as its own target, as it would on a cluster. Counters grow once a second
// from each pod's request rate, error ratio and latency profile (demo-services.mjs).
//
//   GET  /metrics/<namespace>/<pod>   the pod's http_requests_total and
//                                      http_request_duration_seconds histogram
//   GET  /healthz                      {startedAt, burning, burnUntil, pods}
//   POST /burn?seconds=240             search's error ratio goes to 6 % for that long
//
// Besides POST /burn, search burns for 4 minutes every 30 minutes (the occasional burn).
import http from 'node:http';
import { BUCKETS, BURN_ERROR_RATIO, PODS } from './demo-services.mjs';

const port = Number(
  process.argv[2] ?? process.env.GANTRY_DEMO_EXPORTER_PORT ?? 7091,
);
const BURN_EVERY_MS = 30 * 60_000;
const BURN_FOR_MS = 4 * 60_000;
const startedAt = Date.now();
let burnUntil = 0;

const burning = now =>
  now < burnUntil ||
  (now - startedAt > BURN_EVERY_MS &&
    (now - startedAt) % BURN_EVERY_MS < BURN_FOR_MS);

const state = new Map(
  PODS.map(p => [
    `${p.namespace}/${p.pod}`,
    {
      pod: p,
      ok: 0,
      errors: 0,
      buckets: BUCKETS.map(() => 0),
      count: 0,
      sum: 0,
    },
  ]),
);

/** Mean latency of a profile, for the histogram's _sum (bucket midpoints). */
const meanLatency = profile =>
  profile.reduce((acc, cum, i) => {
    const share = cum - (i ? profile[i - 1] : 0);
    const lo = i ? BUCKETS[i - 1] : 0;
    return acc + share * ((lo + BUCKETS[i]) / 2);
  }, 0);

let last = Date.now();
setInterval(() => {
  const now = Date.now();
  const dt = (now - last) / 1000;
  last = now;
  const burn = burning(now);
  for (const s of state.values()) {
    const { rps, errorRatio, latency, burns } = s.pod;
    const n = rps * dt * (0.85 + Math.random() * 0.3);
    const ratio = burn && burns ? BURN_ERROR_RATIO : errorRatio;
    s.errors += n * ratio;
    s.ok += n * (1 - ratio);
    s.count += n;
    s.sum += n * meanLatency(latency);
    latency.forEach((cum, i) => {
      s.buckets[i] += n * cum;
    });
  }
}, 1000).unref?.();

function metrics(s) {
  const lines = [
    '# HELP http_requests_total HTTP requests answered, by status code.',
    '# TYPE http_requests_total counter',
    `http_requests_total{code="200",method="GET"} ${s.ok}`,
    `http_requests_total{code="503",method="GET"} ${s.errors}`,
    '# HELP http_request_duration_seconds HTTP request latency.',
    '# TYPE http_request_duration_seconds histogram',
    ...BUCKETS.map(
      (le, i) =>
        `http_request_duration_seconds_bucket{le="${le}"} ${s.buckets[i]}`,
    ),
    `http_request_duration_seconds_bucket{le="+Inf"} ${s.count}`,
    `http_request_duration_seconds_sum ${s.sum}`,
    `http_request_duration_seconds_count ${s.count}`,
  ];
  return `${lines.join('\n')}\n`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const m = /^\/metrics\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'GET' && m) {
    const s = state.get(`${m[1]}/${m[2]}`);
    if (!s) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end(`no demo pod ${m[1]}/${m[2]}\n`);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    return res.end(metrics(s));
  }
  if (req.method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(
      JSON.stringify({
        startedAt: new Date(startedAt).toISOString(),
        burning: burning(Date.now()),
        burnUntil: burnUntil ? new Date(burnUntil).toISOString() : null,
        pods: PODS.length,
      }),
    );
  }
  if (req.method === 'POST' && url.pathname === '/burn') {
    const seconds = Number(url.searchParams.get('seconds') ?? 240);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      return res.end('seconds must be a number from 1 to 3600\n');
    }
    burnUntil = Date.now() + seconds * 1000;
    res.writeHead(202, { 'Content-Type': 'application/json' });
    return res.end(
      JSON.stringify({ burnUntil: new Date(burnUntil).toISOString() }),
    );
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  return res.end(`no route for ${req.method} ${url.pathname}\n`);
});

server.listen(port, '127.0.0.1', () =>
  console.log(
    `demo traffic exporter on http://127.0.0.1:${port} (${PODS.length} pods)`,
  ),
);
