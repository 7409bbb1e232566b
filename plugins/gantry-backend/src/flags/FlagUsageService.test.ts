import type { Entity } from '@backstage/catalog-model';
import {
  alignedEvalTime,
  counterSamples,
  usePrometheus,
  type TestSeries,
} from '../__testUtils__/prometheus';
import { PrometheusClient } from '../providers/PrometheusClient';
import { FlagUsageService, entityMatchers } from './FlagUsageService';

jest.setTimeout(120_000);

const end = alignedEvalTime();
const from = end - 3600;
const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};

const counter = (
  metric: string,
  labels: Record<string, string>,
  perSecond: number,
): TestSeries => ({
  metric,
  labels: { service: 'checkout', ...labels },
  samples: counterSamples({
    from: end - 7200,
    to: end,
    stepSeconds: 15,
    perSecond: () => perSecond,
  }),
});

// 10 req/s of which 0.1 fail; half the requests under 100 ms, all under 500 ms.
const series = [
  counter('http_requests_total', { code: '200' }, 9.9),
  counter('http_requests_total', { code: '500' }, 0.1),
  counter('http_request_duration_seconds_bucket', { le: '0.1' }, 5),
  counter('http_request_duration_seconds_bucket', { le: '0.5' }, 10),
  counter('http_request_duration_seconds_bucket', { le: '+Inf' }, 10),
];

const counts = {
  usage: async (_: string, environment: string) => ({
    environment,
    bucketMinutes: 5,
    from: new Date(from * 1000).toISOString(),
    to: new Date(end * 1000).toISOString(),
    rows: [],
  }),
};

describe('FlagUsageService', () => {
  const prometheus = usePrometheus({ series });

  it('reads error rate and p99 latency with the canary templates over the usage window', async () => {
    const service = new FlagUsageService({
      flags: counts,
      prometheus: prometheus().client,
    });
    const u = await service.usage(
      checkout,
      'component:default/checkout',
      'production',
      1,
    );
    if (u.metrics.status !== 'ok') throw new Error(u.metrics.message);
    expect(u.metrics.selector).toBe('service="checkout"');
    // One point per 5-minute bucket, both ends included.
    expect(u.metrics.errorRate.map(([t]) => t)).toEqual(
      Array.from({ length: 13 }, (_, i) => from + i * 300),
    );
    for (const [, v] of u.metrics.errorRate) expect(v).toBeCloseTo(0.01, 9);
    // Rank 9.9 of 10 falls 4.9/5 of the way through the (0.1, 0.5] bucket.
    for (const [, v] of u.metrics.p99LatencySeconds)
      expect(v).toBeCloseTo(0.1 + 0.4 * (4.9 / 5), 9);
  });

  it('says why there are no metrics instead of failing', async () => {
    const none = await new FlagUsageService({ flags: counts }).usage(
      checkout,
      'component:default/checkout',
      'production',
      1,
    );
    expect(none.metrics).toEqual({
      status: 'unavailable',
      message: expect.stringContaining('Prometheus is not configured'),
    });
    const down = await new FlagUsageService({
      flags: counts,
      prometheus: new PrometheusClient({
        url: 'http://127.0.0.1:9',
        timeoutMs: 2000,
      }),
    }).usage(checkout, 'component:default/checkout', 'production', 1);
    expect(down.metrics).toEqual({
      status: 'unavailable',
      message: expect.stringContaining('did not answer'),
    });
  });

  it('selects by the Kubernetes label selector when the entity has one', () => {
    expect(
      entityMatchers({
        ...checkout,
        metadata: {
          ...checkout.metadata,
          annotations: {
            'backstage.io/kubernetes-label-selector':
              'app.kubernetes.io/name=checkout, tier=web',
          },
        },
      }),
    ).toBe('app_kubernetes_io_name="checkout",tier="web"');
  });

  it('turns every selector operator PromQL can express into a matcher, with the Kubernetes parser', () => {
    const withSelector = (selector: string) =>
      entityMatchers({
        ...checkout,
        metadata: {
          ...checkout.metadata,
          annotations: { 'backstage.io/kubernetes-label-selector': selector },
        },
      });
    expect(
      withSelector(
        'app in (checkout, checkout.v2),tier notin (batch),env!=dev,team,!legacy',
      ),
    ).toBe(
      'app=~"checkout|checkout\\\\.v2",tier!~"batch",env!="dev",team!="",legacy=""',
    );
    // a hand split on ',' would cut "in (a, b)" into nonsense terms
    expect(withSelector('app in (a, b)')).toBe('app=~"a|b"');
    expect(() => withSelector('app in (a')).toThrow(
      /is not a Kubernetes label selector/,
    );
  });

  it('shows a malformed selector as the reason metrics are unavailable, not a failed card', async () => {
    const broken = {
      ...checkout,
      metadata: {
        ...checkout.metadata,
        annotations: { 'backstage.io/kubernetes-label-selector': 'app in (' },
      },
    };
    const result = await new FlagUsageService({
      flags: counts,
      prometheus: {
        queryRange: async () => {
          throw new Error('must not be asked');
        },
      } as any,
    }).usage(broken, 'component:default/checkout', 'production', 1);
    expect(result.metrics).toEqual({
      status: 'unavailable',
      message: expect.stringContaining('is not a Kubernetes label selector'),
    });
  });
});
