import { createServer, type Server, type Socket } from 'node:net';
import {
  alignedEvalTime,
  counterSamples,
  usePrometheus,
} from '../__testUtils__/prometheus';
import { PrometheusClient, PrometheusQueryError } from './PrometheusClient';

jest.setTimeout(120_000);

const end = alignedEvalTime();
const from = end - 6 * 3600;
const HOUR = 3600;

describe('PrometheusClient against the real Prometheus', () => {
  const prometheus = usePrometheus({
    series: [
      {
        metric: 'http_requests_total',
        labels: { code: '200', service: 'checkout' },
        // 10 req/s, then 20 req/s in the last hour
        samples: counterSamples({
          from,
          to: end,
          stepSeconds: 60,
          perSecond: t => (t > end - HOUR ? 20 : 10),
        }),
      },
      {
        metric: 'http_requests_total',
        labels: { code: '500', service: 'checkout' },
        samples: counterSamples({
          from,
          to: end,
          stepSeconds: 60,
          perSecond: () => 0.5,
        }),
      },
    ],
  });

  it('evaluates an instant query at the given time', async () => {
    const samples = await prometheus().client.query(
      'sum by (code) (rate(http_requests_total[30m]))',
      end,
    );
    const byCode = Object.fromEntries(
      samples.map(s => [s.metric.code, s.value]),
    );
    expect(byCode['200']).toBeCloseTo(20, 9);
    expect(byCode['500']).toBeCloseTo(0.5, 9);
    expect(samples[0].timestamp).toBe(end);
  });

  it('reads one value with queryScalar, scalars included, and undefined for no data', async () => {
    const { client } = prometheus();
    expect(
      await client.queryScalar(
        'sum(rate(http_requests_total{code="500"}[2h])) / sum(rate(http_requests_total[2h]))',
        new Date(end * 1000),
      ),
    ).toBeCloseTo(0.5 / 15.5, 12);
    expect(await client.queryScalar('scalar(vector(42))', end)).toBe(42);
    expect(
      await client.queryScalar('http_requests_total{code="404"}', end),
    ).toBeUndefined();
    await expect(
      client.queryScalar('http_requests_total', end),
    ).rejects.toThrow(/returned 2 series .* aggregate it/);
  });

  it('evaluates a range query step by step', async () => {
    const [series] = await prometheus().client.queryRange(
      'sum(rate(http_requests_total{code="200"}[5m]))',
      { start: end - 2 * HOUR, end, stepSeconds: 1800 },
    );
    expect(series.values.map(([t]) => t)).toEqual([
      end - 7200,
      end - 5400,
      end - 3600,
      end - 1800,
      end,
    ]);
    expect(series.values.map(([, v]) => Math.round(v))).toEqual([
      10, 10, 10, 20, 20,
    ]);
  });

  it("passes on Prometheus's message for bad PromQL, naming URL and query", async () => {
    const { client, url } = prometheus();
    const query = 'sum(rate(http_requests_total[5m)';
    const error = await client.query(query, end).catch(e => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain(`Prometheus at ${url} rejected ${query}`);
    expect(error.message).toMatch(/parse error: unexpected "\)"/);
    expect(error.errorType).toBe('bad_data');
  });

  it('backfills recording rules over the history in dependency order', async () => {
    const h = prometheus();
    await h.backfillRules(
      [
        [
          'groups:',
          '  - name: errors',
          '    rules:',
          '      - record: job:errors:rate5m',
          '        expr: sum(rate(http_requests_total{code="500"}[5m]))',
        ].join('\n'),
        [
          'groups:',
          '  - name: errors-avg',
          '    rules:',
          '      - record: job:errors:avg1h',
          '        expr: avg_over_time(job:errors:rate5m[1h])',
        ].join('\n'),
      ],
      { start: end - 3 * HOUR, end: end + 60 },
    );
    expect(await h.client.queryScalar('job:errors:rate5m', end)).toBeCloseTo(
      0.5,
      9,
    );
    expect(await h.client.queryScalar('job:errors:avg1h', end)).toBeCloseTo(
      0.5,
      9,
    );
  });
});

describe('PrometheusClient failures', () => {
  let hung: Server;
  let hungPort: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers, like a Prometheus stuck in a long query.
    hung = createServer(socket => sockets.push(socket));
    await new Promise<void>(r => hung.listen(0, '127.0.0.1', r));
    hungPort = (hung.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach(s => s.destroy());
    await new Promise<void>(r => hung.close(() => r()));
  });

  it('says when Prometheus is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise<void>(r => closed.close(() => r()));
    const client = new PrometheusClient({ url: `http://127.0.0.1:${port}/` });
    await expect(client.query('up')).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${port} did not answer /api/v1/query for up: connection refused. Check gantry.prometheus.baseUrl and that Prometheus is running.`,
    );
  });

  it('gives up after the timeout', async () => {
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${hungPort}`,
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await client
      .queryRange('up', { start: 0, end: 60, stepSeconds: 15 })
      .catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toContain(
      'did not answer /api/v1/query_range for up: no answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
