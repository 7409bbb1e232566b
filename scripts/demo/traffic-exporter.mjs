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
//   GET  /metrics/cadvisor             every pod's container CPU and memory use, as the
//                                      kubelet's cAdvisor endpoint exports them
//   GET  /metrics/kube-state-metrics   every pod's resource limits and each service's
//                                      HPA replicas, as kube-state-metrics v2 exports them
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

// Capacity (cAdvisor and kube-state-metrics shapes): CPU follows each pod's request rate,
// memory sits at a base plus a share per request; search leaks 6 MiB an hour, so after
// ten minutes its forecast says its pods reach the memory limit in about two days (they
// restart there, as an OOM kill would); payment-gateway's production HPA runs at its
// maximum of 4 replicas (it declares no SLOs, so no generated rule turns that into an
// incident that would mix with the demo's burn-rate incidents).
const MIB = 1024 * 1024;
const LIMITS = { cpu: 0.5, memory: 512 * MIB };
const CPU_SECONDS_PER_REQUEST = 0.012;
const IDLE_CORES = 0.01;
const LEAK_BYTES_PER_SECOND = { search: (6 * MIB) / 3600 };
const HPA_MAX = { 'shop-production/payment-gateway': 4 };
const DEFAULT_HPA_MAX = 6;
const capacity = new Map(
  PODS.map(p => [
    `${p.namespace}/${p.pod}`,
    { cpuSeconds: 0, leaked: 0, memoryJitter: 0 },
  ]),
);
const baseMemory = p => 160 * MIB + p.rps * 6 * MIB;

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
    const c = capacity.get(`${s.pod.namespace}/${s.pod.pod}`);
    c.cpuSeconds += n * CPU_SECONDS_PER_REQUEST + IDLE_CORES * dt;
    c.leaked += (LEAK_BYTES_PER_SECOND[s.pod.service] ?? 0) * dt;
    if (baseMemory(s.pod) + c.leaked >= LIMITS.memory) c.leaked = 0;
    c.memoryJitter = (Math.random() - 0.5) * 0.5 * MIB;
  }
}, 1000).unref?.();

const labelsOf = obj =>
  `{${Object.entries(obj)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
const containerLabels = p => ({
  namespace: p.namespace,
  pod: p.pod,
  container: p.service,
});

function cadvisorMetrics() {
  const cpu = [];
  const memory = [];
  for (const p of PODS) {
    const c = capacity.get(`${p.namespace}/${p.pod}`);
    const l = {
      ...containerLabels(p),
      id: `/kubepods/burstable/pod-${p.pod}/${p.service}`,
      image: `registry.example.com/shop/${p.service}:${p.hash}`,
    };
    cpu.push(
      `container_cpu_usage_seconds_total${labelsOf({ ...l, cpu: 'total' })} ${
        c.cpuSeconds
      }`,
    );
    memory.push(
      `container_memory_working_set_bytes${labelsOf(l)} ${Math.round(
        baseMemory(p) + c.leaked + c.memoryJitter,
      )}`,
    );
  }
  return `${[
    '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...cpu,
    '# HELP container_memory_working_set_bytes Current working set in bytes.',
    '# TYPE container_memory_working_set_bytes gauge',
    ...memory,
  ].join('\n')}\n`;
}

function kubeStateMetrics() {
  const limits = PODS.flatMap(p => {
    const l = { ...containerLabels(p), node: 'demo-node', uid: `uid-${p.pod}` };
    return [
      `kube_pod_container_resource_limits${labelsOf({
        ...l,
        resource: 'cpu',
        unit: 'core',
      })} ${LIMITS.cpu}`,
      `kube_pod_container_resource_limits${labelsOf({
        ...l,
        resource: 'memory',
        unit: 'byte',
      })} ${LIMITS.memory}`,
    ];
  });
  const replicas = new Map();
  for (const p of PODS) {
    const key = `${p.namespace}/${p.service}`;
    replicas.set(key, (replicas.get(key) ?? 0) + 1);
  }
  const hpa = metric =>
    [...replicas].map(([key, count]) => {
      const [namespace, name] = key.split('/');
      const value =
        metric === 'spec_max_replicas'
          ? HPA_MAX[key] ?? DEFAULT_HPA_MAX
          : count;
      return `kube_horizontalpodautoscaler_${metric}${labelsOf({
        namespace,
        horizontalpodautoscaler: name,
      })} ${value}`;
    });
  return `${[
    '# HELP kube_pod_container_resource_limits The number of requested limit resource by a container.',
    '# TYPE kube_pod_container_resource_limits gauge',
    ...limits,
    '# HELP kube_horizontalpodautoscaler_spec_max_replicas Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
    '# TYPE kube_horizontalpodautoscaler_spec_max_replicas gauge',
    ...hpa('spec_max_replicas'),
    '# HELP kube_horizontalpodautoscaler_status_current_replicas Current number of replicas of pods managed by this autoscaler.',
    '# TYPE kube_horizontalpodautoscaler_status_current_replicas gauge',
    ...hpa('status_current_replicas'),
  ].join('\n')}\n`;
}

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
  if (req.method === 'GET' && url.pathname === '/metrics/cadvisor') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    return res.end(cadvisorMetrics());
  }
  if (req.method === 'GET' && url.pathname === '/metrics/kube-state-metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    return res.end(kubeStateMetrics());
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
