import type { Entity } from '@backstage/catalog-model';
import type {
  CapacityEnvironment,
  CapacityResource,
  EntityCapacity,
} from '@gantry/plugin-gantry-common';
import type { MetricsSource } from '@gantry/plugin-gantry-node';
import type { PipelineReader } from '../kernel/ports';
import {
  FORECAST_WINDOW,
  capacityContainer,
  daysToLimitQuery,
  hpaCurrentQuery,
  hpaMaxQuery,
  limitQuery,
  usageQuery,
  type CapacityResourceName,
} from '../kernel/capacityQueries';

type ByNamespace = Map<string, number>;

const finite = (v: number | undefined) =>
  v !== undefined && Number.isFinite(v) ? v : null;

/**
 * Headroom per environment: the entity's containers' CPU and memory use against their
 * limits, the forecast of reaching them, and its HPA's replicas against the maximum,
 * read from Prometheus. Environments map to namespaces through the entity's Argo CD
 * applications (their destination namespace); namespaces with series but no known
 * application are shown by namespace.
 */
export class CapacityService {
  constructor(
    private readonly deps: {
      prometheus?: MetricsSource;
      pipeline?: PipelineReader;
      /** The configured environments, in promotion order. */
      environments: string[];
      now?: () => Date;
    },
  ) {}

  async forEntity(
    entity: Entity,
    entityRef: string,
    at?: Date,
  ): Promise<EntityCapacity> {
    const when = at ?? this.deps.now?.() ?? new Date();
    const container = capacityContainer(entity);
    const base: EntityCapacity = {
      entityRef,
      evaluatedAt: when.toISOString(),
      container,
      forecastWindow: FORECAST_WINDOW,
      environments: [],
    };
    const prometheus = this.deps.prometheus;
    if (!prometheus) {
      return {
        ...base,
        error:
          'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to show capacity headroom.',
      };
    }
    const [namespaces, values] = await Promise.all([
      this.environmentNamespaces(entity, entityRef),
      this.read(prometheus, container, Math.floor(when.getTime() / 1000)).catch(
        (e: Error) => e,
      ),
    ]);
    if (values instanceof Error) {
      return {
        ...base,
        error: `Prometheus could not be queried: ${values.message}`,
      };
    }
    const seen = new Set<string>();
    for (const m of Object.values(values))
      for (const ns of m.keys()) seen.add(ns);
    const rows: CapacityEnvironment[] = [];
    for (const [namespace, environment] of namespaces) {
      rows.push(this.row(values, namespace, container, environment));
      seen.delete(namespace);
    }
    for (const namespace of [...seen].sort())
      rows.push(this.row(values, namespace, container));
    if (!rows.length) {
      return {
        ...base,
        emptyReason: `Prometheus has no cAdvisor (container_cpu_usage_seconds_total, container_memory_working_set_bytes) or kube-state-metrics (kube_pod_container_resource_limits, kube_horizontalpodautoscaler_*) series for container "${container}". Scrape the kubelet's cAdvisor endpoint and kube-state-metrics, give the container resource limits, or set backstage.io/kubernetes-id to the container's name.`,
      };
    }
    return { ...base, environments: rows };
  }

  /** Destination namespace -> environment of the entity's Argo CD applications, in environment order. */
  private async environmentNamespaces(
    entity: Entity,
    entityRef: string,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!this.deps.pipeline) return out;
    // No pipeline (Argo CD unreachable or not annotated) still shows capacity by namespace.
    const view = await this.deps.pipeline
      .forEntity(entity, entityRef)
      .catch(() => undefined);
    const order = (env: string) => {
      const i = this.deps.environments.indexOf(env);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const apps = [...(view?.applications ?? [])].sort(
      (a, b) => order(a.environment) - order(b.environment),
    );
    for (const app of apps) {
      const ns = app.destination.namespace;
      if (ns && !out.has(ns)) out.set(ns, app.environment);
    }
    return out;
  }

  private async read(
    prometheus: MetricsSource,
    container: string,
    time: number,
  ): Promise<Record<string, ByNamespace>> {
    const vector = async (query: string): Promise<ByNamespace> => {
      // An instant vector through the range API: one step at `time`.
      const series = await prometheus.queryRange(query, {
        start: time,
        end: time,
        stepSeconds: 60,
      });
      const out: ByNamespace = new Map();
      for (const s of series) {
        const v = s.values.find(([t]) => t === time)?.[1];
        if (s.metric.namespace && v !== undefined)
          out.set(s.metric.namespace, v);
      }
      return out;
    };
    const queries = {
      cpuUsage: usageQuery('cpu', container),
      cpuLimit: limitQuery('cpu', container),
      cpuDays: daysToLimitQuery('cpu', container),
      memoryUsage: usageQuery('memory', container),
      memoryLimit: limitQuery('memory', container),
      memoryDays: daysToLimitQuery('memory', container),
      hpaCurrent: hpaCurrentQuery(container),
      hpaMax: hpaMaxQuery(container),
    };
    const entries = await Promise.all(
      Object.entries(queries).map(
        async ([k, q]) => [k, await vector(q)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }

  private row(
    values: Record<string, ByNamespace>,
    namespace: string,
    container: string,
    environment?: string,
  ): CapacityEnvironment {
    const resource = (r: CapacityResourceName): CapacityResource => {
      const usage = finite(values[`${r}Usage`].get(namespace));
      const limit = finite(values[`${r}Limit`].get(namespace));
      return {
        usage,
        limit,
        ratio: usage !== null && limit ? usage / limit : null,
        daysToLimit: finite(values[`${r}Days`].get(namespace)),
      };
    };
    const current = finite(values.hpaCurrent.get(namespace));
    const max = finite(values.hpaMax.get(namespace));
    const row: CapacityEnvironment = {
      ...(environment ? { environment } : {}),
      namespace,
      cpu: resource('cpu'),
      memory: resource('memory'),
      hpa:
        current !== null && max !== null
          ? {
              currentReplicas: current,
              maxReplicas: max,
              atMax: current >= max,
            }
          : null,
    };
    if (row.cpu.ratio === null && row.memory.ratio === null && !row.hpa) {
      row.reason = `No usage with limits and no HPA series for container "${container}" in namespace ${namespace}.`;
    }
    return row;
  }
}
