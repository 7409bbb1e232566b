import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * An Argo CD instance Gantry reads applications from and sends sync, refresh and
 * rollback to: the same fields as an entry of `gantry.argocd.instances`.
 *
 * @public
 */
export interface GantryArgoCdInstance {
  /**
   * Unique among all instances (app-config and modules); it is what the
   * `argocd/instance-name` annotation and webhook payloads name.
   */
  name: string;
  /** Base URL of the Argo CD server, e.g. https://argocd.example.com (without /api/v1). */
  url: string;
  /** Bearer token of an Argo CD account that may read (and, for actions, sync) applications. */
  token?: string;
}

/**
 * A Kubernetes cluster Gantry reads Argo Rollouts from and sends Rollout actions to: the
 * same fields as an entry of `gantry.kubernetes.clusters`.
 *
 * @public
 */
export interface GantryKubernetesCluster {
  /** Unique among all clusters (app-config and modules). */
  name: string;
  /**
   * URL of the cluster's API server. An Argo CD application is matched to the cluster
   * whose `url` equals its `destination.server` (or whose `name` equals `destination.name`).
   */
  url: string;
  /** Bearer token of a service account that may read (and, for actions, patch) Rollouts. */
  serviceAccountToken?: string;
  /** Skips TLS verification of the API server; for development clusters only. */
  skipTLSVerify?: boolean;
}

/**
 * The time range of {@link MetricsSource.queryRange}. Times are Dates or unix seconds.
 *
 * @public
 */
export interface MetricsRange {
  start: Date | number;
  end: Date | number;
  /** Resolution: one value every `stepSeconds`, from `start` to `end` inclusive. */
  stepSeconds: number;
}

/**
 * One series of a range query (a Prometheus matrix).
 *
 * @public
 */
export interface MetricsSeries {
  /** The series' labels. */
  metric: Record<string, string>;
  /** [unix seconds, value] pairs in time order; NaN and ±Infinity come through as such. */
  values: Array<[number, number]>;
}

/**
 * What Gantry's SLO error budgets, canary analysis and flag usage read from a metrics
 * backend. The queries are PromQL, as written in the entity's SLO spec and the canary
 * templates, so a Prometheus-compatible API answers them directly; an adapter for
 * another backend (e.g. Datadog) translates them or rejects what it cannot translate.
 *
 * Errors: throw an `InputError` (from `@backstage/errors`) when the query itself is
 * rejected, and a `ServiceUnavailableError` when the backend cannot be reached; the
 * message is shown to the user, so name the backend and the query.
 *
 * @public
 */
export interface MetricsSource {
  /**
   * The value at `time` (default: the backend's now) of a query that returns at most
   * one series; `undefined` when it returns none. Throws when it returns several.
   */
  queryScalar(query: string, time?: Date | number): Promise<number | undefined>;

  /** Evaluates `query` at every `range.stepSeconds` from `range.start` to `range.end`. */
  queryRange(query: string, range: MetricsRange): Promise<MetricsSeries[]>;
}

/**
 * The base URL of a Prometheus-compatible HTTP API (Prometheus, Thanos Query, Grafana
 * Mimir, Cortex, VictoriaMetrics…), queried by Gantry's own client with POST
 * `/api/v1/query` and `/api/v1/query_range`.
 *
 * @public
 */
export interface GantryPrometheusApi {
  /** e.g. http://thanos-query.monitoring:9090 or https://mimir.example.com/prometheus (without /api/v1). */
  baseUrl: string;
  /** Per-request timeout in milliseconds; default 10000. */
  timeoutMs?: number;
  /** Sent with every request, e.g. `Authorization` or Mimir's `X-Scope-OrgID`. */
  headers?: Record<string, string>;
}

/**
 * A metrics source as a module registers it: a name and either the URL of a
 * Prometheus-compatible API or an implementation of {@link MetricsSource}.
 *
 * @public
 */
export type GantryMetricsSourceRegistration =
  | {
      /** Unique among metrics sources; `prometheus` is the one of `gantry.prometheus`. */
      name: string;
      prometheusApi: GantryPrometheusApi;
    }
  | {
      /** Unique among metrics sources; `prometheus` is the one of `gantry.prometheus`. */
      name: string;
      source: MetricsSource;
    };

/**
 * The registration point behind {@link gantryProvidersExtensionPoint}.
 *
 * @public
 */
export interface GantryProvidersExtensionPoint {
  /**
   * Adds Argo CD instances, after those of `gantry.argocd.instances`. A name that is
   * already registered (in app-config or by a module) fails the backend's startup.
   */
  addArgoCdInstances(...instances: GantryArgoCdInstance[]): void;

  /**
   * Adds Kubernetes clusters for Argo Rollouts, after those of
   * `gantry.kubernetes.clusters`. A name that is already registered fails startup.
   */
  addKubernetesClusters(...clusters: GantryKubernetesCluster[]): void;

  /**
   * Adds a metrics source. A name that is already registered fails startup.
   *
   * Gantry reads ONE metrics source: `gantry.prometheus` when it is configured,
   * otherwise the first source a module registered (Gantry logs which one it uses and
   * which it ignores). So a module's source is used when app-config has no
   * `gantry.prometheus`.
   */
  addMetricsSource(registration: GantryMetricsSourceRegistration): void;
}

/**
 * Lets backend modules add the systems Gantry reads without editing app-config or the
 * plugin: Argo CD instances, Kubernetes clusters for Argo Rollouts, and metrics sources
 * (another Prometheus-compatible API, or an adapter implementing {@link MetricsSource}).
 * Call it from the module's `init`; what app-config declares is registered the same way.
 *
 * @example
 * ```ts
 * export const gantryModuleThanos = createBackendModule({
 *   pluginId: 'gantry',
 *   moduleId: 'thanos',
 *   register(env) {
 *     env.registerInit({
 *       deps: { providers: gantryProvidersExtensionPoint },
 *       async init({ providers }) {
 *         providers.addMetricsSource({
 *           name: 'thanos',
 *           prometheusApi: { baseUrl: 'http://thanos-query.monitoring:9090' },
 *         });
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const gantryProvidersExtensionPoint =
  createExtensionPoint<GantryProvidersExtensionPoint>({
    id: 'gantry.providers',
  });
