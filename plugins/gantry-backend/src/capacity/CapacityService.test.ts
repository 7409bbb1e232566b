import type { Entity } from '@backstage/catalog-model';
import type {
  ApplicationView,
  DeploymentsView,
} from '@gantry/plugin-gantry-common';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { PrometheusClient } from '../providers/PrometheusClient';
import type { PipelineReader } from '../kernel/ports';
import { CapacityService } from './CapacityService';
import {
  DAY,
  PRODUCTION_CPU_LIMIT,
  capacitySeries,
  productionCpu,
} from './__testUtils__/capacitySeries';

jest.setTimeout(180_000);

const T = alignedEvalTime();
const MIB = 1024 * 1024;

const entity = (name: string, annotations: Record<string, string> = {}) =>
  ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/payments' },
  } as Entity);

/** Argo CD's view of the entity (Argo CD cannot run here): which environment deploys where. */
const pipeline = (apps: Array<[string, string]>): PipelineReader => ({
  forEntity: async (_e, entityRef): Promise<DeploymentsView> => ({
    entityRef,
    environments: apps.map(([env]) => env),
    configured: { argocd: true, kubernetes: false },
    applications: apps.map(
      ([environment, namespace]) =>
        ({
          environment,
          name: `checkout-${environment}`,
          destination: { namespace },
        } as ApplicationView),
    ),
    errors: [],
  }),
});

const near = (actual: number | null | undefined, want: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - want) / want).toBeLessThan(0.01);
};

describe('CapacityService against the real Prometheus', () => {
  const prometheus = usePrometheus(() => ({ series: capacitySeries(T) }));
  const service = (reader?: PipelineReader) =>
    new CapacityService({
      prometheus: prometheus().client,
      pipeline: reader,
      environments: ['staging', 'production'],
    });

  it('shows headroom, HPA replicas and forecasts per environment, in environment order', async () => {
    const result = await service(
      pipeline([
        ['production', 'shop-production'],
        ['qa', 'shop-qa'],
        ['staging', 'shop-staging'],
      ]),
    ).forEntity(
      entity('checkout'),
      'component:default/checkout',
      new Date(T * 1000),
    );
    expect(result.error).toBeUndefined();
    expect(result.container).toBe('checkout');
    expect(result.forecastWindow).toBe('1d');
    expect(result.environments.map(e => [e.environment, e.namespace])).toEqual([
      ['staging', 'shop-staging'],
      ['production', 'shop-production'],
      ['qa', 'shop-qa'],
      [undefined, 'shop-dev'],
      [undefined, 'shop-preview'],
    ]);
    const [staging, production, qa, dev, preview] = result.environments;

    // Two pods with limits; rate() over 5m of 1m scrapes reads the rate 2 minutes back.
    // The pod without limits (3 cores) and the search container do not count.
    const cpuNow = 2 * productionCpu(T - 26 * 3600)(T - 120);
    near(production.cpu.usage, cpuNow);
    expect(production.cpu.limit).toBe(2 * PRODUCTION_CPU_LIMIT);
    near(production.cpu.ratio, cpuNow);
    // Rising 0.2 of the limit a day: the limit is (1 - ratio) / 0.2 days away.
    near(production.cpu.daysToLimit, (1 - cpuNow) / ((2 * 0.1) / DAY) / DAY);
    expect(production.memory.usage).toBe(1200 * MIB);
    expect(production.memory.limit).toBe(2048 * MIB);
    near(production.memory.ratio, 1200 / 2048);
    // Falling: no exhaustion ahead.
    expect(production.memory.daysToLimit).toBeNull();
    expect(production.hpa).toEqual({
      currentReplicas: 4,
      maxReplicas: 4,
      atMax: true,
    });
    expect(production.reason).toBeUndefined();

    near(staging.cpu.ratio, 0.1);
    expect(staging.cpu.daysToLimit).toBeNull();
    expect(staging.memory.ratio).toBe(0.5);
    expect(staging.hpa).toEqual({
      currentReplicas: 2,
      maxReplicas: 6,
      atMax: false,
    });

    expect(qa.cpu).toEqual({
      usage: null,
      limit: null,
      ratio: null,
      daysToLimit: null,
    });
    expect(qa.hpa).toBeNull();
    expect(qa.reason).toBe(
      'No usage with limits and no HPA series for container "checkout" in namespace shop-qa.',
    );

    // Rising fast, but 40 minutes of history are too few to forecast from.
    expect(preview.cpu.ratio).toBeGreaterThan(0.5);
    expect(preview.cpu.daysToLimit).toBeNull();

    near(dev.cpu.ratio, 0.2);
    near(dev.memory.ratio, 100 / 256);
    expect(dev.hpa).toBeNull();
  });

  it('selects the container named by backstage.io/kubernetes-id, by namespace when Argo CD is unavailable', async () => {
    const failing: PipelineReader = {
      forEntity: async () => {
        throw new Error('Argo CD is down');
      },
    };
    const result = await service(failing).forEntity(
      entity('search-service', { 'backstage.io/kubernetes-id': 'search' }),
      'component:default/search-service',
      new Date(T * 1000),
    );
    expect(result.container).toBe('search');
    expect(result.environments).toHaveLength(1);
    expect(result.environments[0]).toMatchObject({
      namespace: 'shop-production',
      hpa: null,
    });
    expect(result.environments[0].environment).toBeUndefined();
    near(result.environments[0].cpu.ratio, 0.9);
  });

  it('says why nothing is shown when Prometheus has no series for the container', async () => {
    const result = await service().forEntity(
      entity('ledger'),
      'component:default/ledger',
      new Date(T * 1000),
    );
    expect(result.error).toBeUndefined();
    expect(result.environments).toEqual([]);
    expect(result.emptyReason).toContain(
      'Prometheus has no cAdvisor (container_cpu_usage_seconds_total, container_memory_working_set_bytes) or kube-state-metrics',
    );
    expect(result.emptyReason).toContain('container "ledger"');
  });

  it('says so when no Prometheus is configured or it cannot be reached', async () => {
    const none = await new CapacityService({ environments: [] }).forEntity(
      entity('checkout'),
      'component:default/checkout',
    );
    expect(none.error).toBe(
      'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to show capacity headroom.',
    );
    const down = await new CapacityService({
      prometheus: new PrometheusClient({
        url: 'http://127.0.0.1:9',
        timeoutMs: 2000,
      }),
      environments: [],
    }).forEntity(entity('checkout'), 'component:default/checkout');
    expect(down.error).toMatch(/^Prometheus could not be queried: /);
    expect(down.environments).toEqual([]);
  });
});
