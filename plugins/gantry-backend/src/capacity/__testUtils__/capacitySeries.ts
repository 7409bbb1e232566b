import {
  counterSamples,
  gaugeSamples,
  type TestSeries,
} from '../../__testUtils__/prometheus';

export const DAY = 86400;
const MIB = 1024 * 1024;

/** checkout's production CPU per pod (cores) at t: 0.2 growing 0.1 a day from `start`. */
export const productionCpu = (start: number) => (t: number) =>
  0.2 + (0.1 * (t - start)) / DAY;
export const PRODUCTION_CPU_LIMIT = 0.5;

/**
 * What cAdvisor and kube-state-metrics v2 export for checkout, from `end - 26h` to
 * `end`, scraped every minute:
 * - shop-production: two pods with 0.5 core / 1 GiB limits, CPU rising, memory falling
 *   from 700 to 600 MiB; a third pod without limits using 3 cores (must not count); a
 *   `search` container beside them (must not count); its HPA at 4 of 4 replicas.
 * - shop-staging: one pod with 1 core / 512 MiB limits, CPU falling from 0.12 to 0.1,
 *   memory at 256 MiB; its HPA at 2 of 6.
 * - shop-dev: one pod with limits that no Argo CD application deploys.
 * - shop-preview: a pod started 40 minutes ago whose CPU climbs fast (too little
 *   history to forecast from).
 */
export function capacitySeries(end: number): TestSeries[] {
  const start = end - 26 * 3600;
  const range = { from: start, to: end, stepSeconds: 60 };
  const progress = (t: number) => (t - start) / (end - start);
  const series: TestSeries[] = [];
  const pod = (
    namespace: string,
    name: string,
    container: string,
    cpu: (t: number) => number,
    memory: (t: number) => number,
    limits?: { cpu: number; memory: number },
    from = start,
  ) => {
    const podRange = { from, to: end, stepSeconds: 60 };
    const labels = {
      namespace,
      pod: name,
      container,
      id: `/kubepods/burstable/${name}/${container}`,
      image: `registry.example.com/shop/${container}:1.4.2`,
      job: 'kubelet',
      metrics_path: '/metrics/cadvisor',
    };
    series.push(
      {
        metric: 'container_cpu_usage_seconds_total',
        labels: { ...labels, cpu: 'total' },
        samples: counterSamples({ ...podRange, perSecond: cpu, initial: 1000 }),
      },
      {
        metric: 'container_memory_working_set_bytes',
        labels,
        samples: gaugeSamples({ ...podRange, valueAt: memory }),
      },
    );
    if (!limits) return;
    for (const [resource, unit, value] of [
      ['cpu', 'core', limits.cpu],
      ['memory', 'byte', limits.memory],
    ] as const) {
      series.push({
        metric: 'kube_pod_container_resource_limits',
        labels: {
          namespace,
          pod: name,
          container,
          job: 'kube-state-metrics',
          node: 'node-1',
          uid: `uid-${name}`,
          resource,
          unit,
        },
        samples: gaugeSamples({ ...podRange, valueAt: () => value }),
      });
    }
  };
  const hpa = (namespace: string, current: number, max: number) => {
    const labels = {
      namespace,
      horizontalpodautoscaler: 'checkout',
      job: 'kube-state-metrics',
    };
    series.push(
      {
        metric: 'kube_horizontalpodautoscaler_status_current_replicas',
        labels,
        samples: gaugeSamples({ ...range, valueAt: () => current }),
      },
      {
        metric: 'kube_horizontalpodautoscaler_spec_max_replicas',
        labels,
        samples: gaugeSamples({ ...range, valueAt: () => max }),
      },
    );
  };
  const gib = { cpu: PRODUCTION_CPU_LIMIT, memory: 1024 * MIB };
  const prodMemory = (t: number) => (700 - 100 * progress(t)) * MIB;
  for (const name of ['checkout-5b8d9c7f4c-x7k2p', 'checkout-5b8d9c7f4c-q9m4t'])
    pod(
      'shop-production',
      name,
      'checkout',
      productionCpu(start),
      prodMemory,
      gib,
    );
  pod(
    'shop-production',
    'checkout-debug-h3v8n',
    'checkout',
    () => 3,
    () => 4096 * MIB,
  );
  pod(
    'shop-production',
    'search-3c2b1a0f9e-x7k2p',
    'search',
    () => 0.45,
    () => 900 * MIB,
    gib,
  );
  hpa('shop-production', 4, 4);
  pod(
    'shop-staging',
    'checkout-5b8d9c7f4c-c5r1w',
    'checkout',
    t => 0.12 - 0.02 * progress(t),
    () => 256 * MIB,
    { cpu: 1, memory: 512 * MIB },
  );
  hpa('shop-staging', 2, 6);
  pod(
    'shop-dev',
    'checkout-0a1b2c3d4e-x7k2p',
    'checkout',
    () => 0.05,
    () => 100 * MIB,
    {
      cpu: 0.25,
      memory: 256 * MIB,
    },
  );
  pod(
    'shop-preview',
    'checkout-9f8e7d6c5b-x7k2p',
    'checkout',
    t => 0.1 + (0.5 * (t - (end - 2400))) / 2400,
    () => 100 * MIB,
    { cpu: 1, memory: 256 * MIB },
    end - 2400,
  );
  return series;
}
