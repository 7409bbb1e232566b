import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';

/**
 * PromQL for a service's headroom against its containers' limits, over the series a
 * Kubernetes cluster exports: cAdvisor's (the kubelet's /metrics/cadvisor) usage and
 * kube-state-metrics v2's limits and HPA status. Both carry `namespace`, `pod` and
 * `container`, so usage and limits pair per container; one result series per namespace
 * (and the one container name).
 */

/** The regression window of every forecast: a whole day, so daily traffic cycles even out. */
export const FORECAST_WINDOW = '1d';

export type CapacityResourceName = 'cpu' | 'memory';

/** The container name the scaffolded Rollout (and its HPA) use: kubernetes-id, else the entity name. */
export function capacityContainer(entity: Entity): string {
  return (
    entity.metadata.annotations?.[ANNOTATIONS.kubernetesId] ??
    entity.metadata.name
  );
}

const q = (v: string) => JSON.stringify(v);

/**
 * Per-container use. CPU counts only containers whose counter already existed 5 minutes
 * ago: rate() over a series younger than its window underestimates (it does not
 * extrapolate below zero), and every new pod's ramp would read as a rising trend.
 */
function usageOf(resource: CapacityResourceName, container: string): string {
  const c = `container_cpu_usage_seconds_total{container=${q(container)}}`;
  return resource === 'cpu'
    ? `(rate(${c}[5m]) and ${c} offset 5m)`
    : `container_memory_working_set_bytes{container=${q(container)}}`;
}

const limitsOf = (resource: CapacityResourceName, container: string) =>
  `kube_pod_container_resource_limits{container=${q(
    container,
  )}, resource="${resource}"}`;

const PAIR = 'on (namespace, pod, container)';

/**
 * Usage of the containers that have a limit (cores or bytes), by namespace. Only
 * containers with both a limit and usage count, so a pod without limits or one that
 * has stopped (kube-state-metrics still lists it) does not skew the ratio.
 */
export const usageQuery = (r: CapacityResourceName, container: string) =>
  `sum by (namespace, container) (${usageOf(
    r,
    container,
  )} and ${PAIR} ${limitsOf(r, container)})`;

/** The same containers' limits, by namespace. */
export const limitQuery = (r: CapacityResourceName, container: string) =>
  `sum by (namespace, container) (${limitsOf(
    r,
    container,
  )} and ${PAIR} ${usageOf(r, container)})`;

/** usage / limit by namespace: what the recording rules record. */
export const ratioQuery = (r: CapacityResourceName, container: string) =>
  `${usageQuery(r, container)}\n/\n${limitQuery(r, container)}`;

/** The recorded ratio's metric name (Prometheus's level:metric:operations convention). */
export const ratioRecord = (r: CapacityResourceName) =>
  r === 'cpu'
    ? 'namespace_container:container_cpu_usage_seconds:ratio_limit'
    : 'namespace_container:container_memory_working_set_bytes:ratio_limit';

/**
 * Days until `series` (a ratio, as a range-vector-able expression) reaches `target` at
 * the trend predict_linear fits over the forecast window; only where it is rising.
 * Equivalent to solving predict_linear(series[w], t) = target for t.
 */
export function daysToExpr(range: string, target: number): string {
  return `(${target} - predict_linear(${range}, 0))\n/\n(deriv(${range}) > 0)\n/ 86400`;
}

/** The history a forecast needs: a line fitted to minutes of noise predicts anything. */
export const FORECAST_MIN_POINTS = 12;

/**
 * Days to the limit computed from raw series with a subquery (no rules needed), only
 * where the window holds at least an hour of 5-minute points.
 */
export function daysToLimitQuery(
  r: CapacityResourceName,
  container: string,
): string {
  const range = `(${ratioQuery(r, container)})[${FORECAST_WINDOW}:5m]`;
  return `(${daysToExpr(
    range,
    1,
  )})\nand on (namespace, container)\n(count_over_time(${range}) >= ${FORECAST_MIN_POINTS})`;
}

/** HPA replicas by namespace (kube-state-metrics v2 names). */
export const hpaCurrentQuery = (container: string) =>
  `max by (namespace) (kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=${q(
    container,
  )}})`;
export const hpaMaxQuery = (container: string) =>
  `max by (namespace) (kube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler=${q(
    container,
  )}})`;
