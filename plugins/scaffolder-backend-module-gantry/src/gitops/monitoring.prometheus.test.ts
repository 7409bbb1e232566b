import {
  HTTP_ERROR_RATE_QUERY,
  HTTP_P99_LATENCY_QUERY,
  renderQuery,
} from '@gantry/plugin-gantry-common';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import {
  podDiscoveryLabels,
  podMonitorScrapeConfigs,
} from './prometheusOperator';

// The metric label contract, proven end to end: the generated PodMonitor, turned into the
// scrape config the Prometheus Operator would derive from it, in Debian's real Prometheus,
// scraping two small exporters labelled as a stable and a canary pod would be; then the
// generated AnalysisTemplate's queries and Gantry's judge queries must find both sides.
jest.setTimeout(60_000);

// The judge's own queries (shared through gantry-common), so the contract is checked
// against what the judge really sends.
const judgeQueries = {
  HTTP_ERROR_RATE_QUERY,
  HTTP_P99_LATENCY_QUERY,
  renderQuery,
};

const STABLE_HASH = '6f8b9c7d5d';
const CANARY_HASH = '7c4d9e8f6a';

const listen = (server: http.Server) =>
  new Promise<number>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A pod's /metrics: counters that grow with time, 2 % of requests answered 503. */
function exporter(rps: number) {
  const started = Date.now();
  return http.createServer((_req, res) => {
    const n = ((Date.now() - started) / 1000) * rps + 100;
    const ok = Math.floor(n * 0.98);
    const errors = Math.floor(n * 0.02);
    const buckets: Array<[string, number]> = [
      ['0.05', 0.6],
      ['0.1', 0.9],
      ['0.25', 0.99],
      ['0.5', 1],
      ['+Inf', 1],
    ];
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{code="200",method="GET"} ${ok}`,
        `http_requests_total{code="503",method="GET"} ${errors}`,
        '# TYPE http_request_duration_seconds histogram',
        ...buckets.map(
          ([le, share]) =>
            `http_request_duration_seconds_bucket{le="${le}"} ${Math.floor(
              n * share,
            )}`,
        ),
        `http_request_duration_seconds_sum ${(n * 0.06).toFixed(3)}`,
        `http_request_duration_seconds_count ${Math.floor(n)}`,
        '',
      ].join('\n'),
    );
  });
}

describe('the generated PodMonitor in a real Prometheus', () => {
  const files = generateOverlays({
    name: 'checkout',
    namespace: 'shop',
    image: 'ghcr.io/acme/checkout',
    tag: '1.4.2',
    gitopsRepoUrl: 'https://github.com/acme/gitops',
  });
  const monitor = parse(files['base/podmonitor.yaml']);
  const rollout = parse(files['base/rollout.yaml']);
  const template = parse(files['base/analysistemplate.yaml']);
  const servers = [exporter(20), exporter(20), exporter(20), exporter(20)];
  let prometheus: ChildProcess;
  let base: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-prom-'));

  /** Pod labels as on the cluster: the Rollout's pod template plus the ReplicaSet's hash. */
  const pod = (namespace: string, hash: string, port: number) => ({
    targets: [`127.0.0.1:${port}`],
    labels: podDiscoveryLabels({
      namespace,
      name: `checkout-${hash}-x${port}`,
      labels: {
        ...rollout.spec.template.metadata.labels,
        'rollouts-pod-template-hash': hash,
      },
      container: rollout.spec.template.spec.containers[0].name,
      portName: rollout.spec.template.spec.containers[0].ports[0].name,
    }),
  });

  beforeAll(async () => {
    const ports = await Promise.all(servers.map(listen));
    // the same monitor without its relabelings, as the namespace "legacy" would have it
    const bare = {
      ...monitor,
      spec: {
        ...monitor.spec,
        podTargetLabels: undefined,
        podMetricsEndpoints: monitor.spec.podMetricsEndpoints.map((e: any) => ({
          ...e,
          relabelings: undefined,
        })),
      },
    };
    const jobs = [
      ...podMonitorScrapeConfigs(monitor, 'shop').map((j: any) => ({
        ...j,
        static_configs: [
          pod('shop', STABLE_HASH, ports[0]),
          pod('shop', CANARY_HASH, ports[1]),
        ],
      })),
      ...podMonitorScrapeConfigs(bare, 'legacy').map((j: any) => ({
        ...j,
        static_configs: [
          pod('legacy', STABLE_HASH, ports[2]),
          pod('legacy', CANARY_HASH, ports[3]),
        ],
      })),
    ].map(j => ({ ...j, scrape_interval: '1s' })); // 30s in the monitor; faster here only
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({ global: { scrape_interval: '1s' }, scrape_configs: jobs }),
    );
    const probe = http.createServer();
    const port = await listen(probe);
    await new Promise(r => probe.close(r));
    base = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    // four targets up, then rate() needs two samples of each
    const end = Date.now() + 30_000;
    for (;;) {
      const up = await query('sum(up)').catch(() => []);
      if (up[0] && Number(up[0].value[1]) === 4) break;
      if (Date.now() > end) throw new Error('Prometheus scraped no targets');
      await sleep(300);
    }
    await sleep(3_500);
  });

  afterAll(async () => {
    prometheus?.kill();
    await Promise.all(servers.map(s => new Promise(r => s.close(r))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function query(promql: string): Promise<any[]> {
    const res = await fetch(
      `${base}/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    const body: any = await res.json();
    if (body.status !== 'success')
      throw new Error(`${promql}: ${body.error ?? res.status}`);
    return body.data.result;
  }

  /** The template's Prometheus queries with the args Argo Rollouts would fill in. */
  const analysisQueries = (namespace: string, canaryHash: string) =>
    template.spec.metrics
      .filter((m: any) => m.provider.prometheus)
      .map((m: any) => ({
        name: m.name,
        query: String(m.provider.prometheus.query).replace(
          /\{\{args\.([a-z-]+)\}\}/g,
          (_: string, arg: string) =>
            ({
              namespace,
              'service-name': 'checkout',
              'canary-hash': canaryHash,
              'stable-hash': STABLE_HASH,
            }[arg] ?? `{{args.${arg}}}`),
        ),
      }));

  it('labels each pod once with namespace, service = app name and rollouts_pod_template_hash', async () => {
    const up = await query('up{namespace="shop"}');
    expect(
      up
        .map((s: any) => ({
          job: s.metric.job,
          service: s.metric.service,
          hash: s.metric.rollouts_pod_template_hash,
          endpoint: s.metric.endpoint,
        }))
        .sort((a, b) => a.hash.localeCompare(b.hash)),
    ).toEqual([
      {
        job: 'shop/checkout',
        service: 'checkout',
        hash: STABLE_HASH,
        endpoint: 'http',
      },
      {
        job: 'shop/checkout',
        service: 'checkout',
        hash: CANARY_HASH,
        endpoint: 'http',
      },
    ]);
  });

  it.each([
    ['canary', CANARY_HASH],
    ['stable', STABLE_HASH],
  ])(
    'answers every AnalysisTemplate query for the %s pods',
    async (_side, hash) => {
      const queries = analysisQueries('shop', hash);
      expect(queries.map((q: any) => q.name)).toEqual([
        'error-rate',
        'latency-p99',
        'throughput-vs-stable',
      ]);
      for (const q of queries) {
        const result = await query(q.query);
        expect({ name: q.name, series: result.length }).toEqual({
          name: q.name,
          series: 1,
        });
        expect(Number.isFinite(Number(result[0].value[1]))).toBe(true);
      }
      const [errorRate] = await query(queries[0].query);
      expect(Number(errorRate.value[1])).toBeGreaterThan(0.005);
      expect(Number(errorRate.value[1])).toBeLessThan(0.05);
    },
  );

  it("answers the canary judge's queries for both sides", async () => {
    for (const hash of [CANARY_HASH, STABLE_HASH]) {
      const selector = `namespace="shop",service="checkout",rollouts_pod_template_hash="${hash}"`;
      for (const q of [
        judgeQueries.HTTP_ERROR_RATE_QUERY,
        judgeQueries.HTTP_P99_LATENCY_QUERY,
      ]) {
        expect(await query(judgeQueries.renderQuery(q, selector))).toHaveLength(
          1,
        );
      }
    }
  });

  it('finds nothing for a monitor without podTargetLabels and the service relabeling', async () => {
    // scraped all the same ...
    expect(await query('up{namespace="legacy"}')).toHaveLength(2);
    // ... but no series carries the labels the queries select on
    for (const hash of [CANARY_HASH, STABLE_HASH]) {
      for (const q of analysisQueries('legacy', hash)) {
        expect({ name: q.name, result: await query(q.query) }).toEqual({
          name: q.name,
          result: [],
        });
      }
    }
  });
});

describe('gantry:gitops:validate and the label contract', () => {
  jest.setTimeout(60_000);

  const tree = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-contract-'));
    const files = generateOverlays({
      name: 'checkout',
      namespace: 'shop',
      image: 'ghcr.io/acme/checkout',
      tag: '1.4.2',
      gitopsRepoUrl: 'https://github.com/acme/gitops',
    });
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
  };

  it('refuses queries on labels the monitor does not produce', async () => {
    const dir = tree();
    // the monitor as it was before: a ServiceMonitor without podTargetLabels or relabelings
    fs.writeFileSync(
      path.join(dir, 'base/podmonitor.yaml'),
      stringify({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'checkout' },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } },
          endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
        },
      }),
    );
    const report = await validateTree(dir, { build: 'kustomize' });
    const contract = report.violations.filter(v =>
      v.field.endsWith('provider.prometheus.query'),
    );
    // three Prometheus metrics, in each of the two overlays
    expect(contract).toHaveLength(6);
    expect(contract[0]).toMatchObject({
      object: 'AnalysisTemplate/checkout-canary-analysis',
      message: expect.stringMatching(
        /^selects on service and rollouts_pod_template_hash, which no PodMonitor or ServiceMonitor here puts on the series \(ServiceMonitor\/checkout\)/,
      ),
    });
  });

  it('accepts the generated tree, built or as it stands', async () => {
    const dir = tree();
    expect(
      (await validateTree(dir, { build: 'kustomize' })).violations,
    ).toEqual([]);
    expect((await validateTree(dir, { build: 'none' })).violations).toEqual([]);
  });
});
