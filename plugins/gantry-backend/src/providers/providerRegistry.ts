import type {
  GantryArgoCdInstance,
  GantryKubernetesCluster,
  GantryMetricsSourceRegistration,
  GantryProvidersExtensionPoint,
  MetricsSource,
} from '@gantry/plugin-gantry-node';
import { ArgoCdClient } from './ArgoCdClient';
import { PrometheusClient } from './PrometheusClient';
import { RolloutsClient } from './RolloutsClient';

/** Who registered a provider: the plugin from app-config, or a backend module. */
type ProviderOrigin = 'app-config' | 'module';

/** The name of the metrics source of `gantry.prometheus`. */
export const BUILT_IN_METRICS_SOURCE = 'prometheus';

interface Entry<T> {
  name: string;
  value: T;
  origin: ProviderOrigin;
}

/** What {@link ProviderRegistry.build} returns: the clients, and the lists behind them. */
interface BuiltProviders {
  argocd: ArgoCdClient;
  rollouts: RolloutsClient;
  /** The one metrics source domains read (see {@link ProviderRegistry.build}). */
  metrics?: { name: string; origin: ProviderOrigin; source: MetricsSource };
  /** Metrics sources registered but not read, by name. */
  unusedMetricsSources: string[];
  /** App-config's first, then the modules', in registration order. */
  argocdInstances: GantryArgoCdInstance[];
  kubernetesClusters: GantryKubernetesCluster[];
}

const WHERE = {
  argocd: 'gantry.argocd.instances',
  cluster: 'gantry.kubernetes.clusters',
  metrics: 'gantry.prometheus',
};

const describeOrigin = (origin: ProviderOrigin, configKey: string) =>
  origin === 'app-config'
    ? `app-config (${configKey})`
    : 'a backend module (gantryProvidersExtensionPoint)';

/** Stable: app-config's entries, then the modules', each in registration order. */
const configFirst = <T>(list: Entry<T>[]) => [
  ...list.filter(e => e.origin === 'app-config'),
  ...list.filter(e => e.origin === 'module'),
];

/**
 * Every Argo CD instance, Kubernetes cluster and metrics source Gantry reads, whoever
 * registered it: backend modules through `gantryProvidersExtensionPoint` while the
 * backend starts (their `init` runs before the plugin's), then the plugin with what
 * app-config declares, then {@link ProviderRegistry.build} once. Names are unique per
 * kind: a second registration of a name fails startup, naming both registrants. The one
 * exception keeps what app-config did before modules existed: a name repeated inside
 * app-config is tolerated (the first entry answers, as it always did).
 */
export class ProviderRegistry {
  private readonly argocd: Entry<GantryArgoCdInstance>[] = [];
  private readonly clusters: Entry<GantryKubernetesCluster>[] = [];
  private readonly metrics: Entry<MetricsSource>[] = [];
  private built = false;

  /** The implementation of gantryProvidersExtensionPoint handed to modules. */
  forModules(): GantryProvidersExtensionPoint {
    return {
      addArgoCdInstances: (...instances) =>
        this.addArgoCdInstances('module', instances),
      addKubernetesClusters: (...clusters) =>
        this.addKubernetesClusters('module', clusters),
      addMetricsSource: registration =>
        this.addMetricsSource('module', registration),
    };
  }

  addArgoCdInstances(
    origin: ProviderOrigin,
    instances: GantryArgoCdInstance[],
  ): void {
    this.add(
      this.argocd,
      'Argo CD instance',
      WHERE.argocd,
      origin,
      instances.map(i => {
        requireField('Argo CD instance', i.name, 'url', i.url);
        return { name: i.name, value: { ...i } };
      }),
    );
  }

  addKubernetesClusters(
    origin: ProviderOrigin,
    clusters: GantryKubernetesCluster[],
  ): void {
    this.add(
      this.clusters,
      'Kubernetes cluster',
      WHERE.cluster,
      origin,
      clusters.map(c => {
        requireField('Kubernetes cluster', c.name, 'url', c.url);
        return { name: c.name, value: { ...c } };
      }),
    );
  }

  addMetricsSource(
    origin: ProviderOrigin,
    registration: GantryMetricsSourceRegistration,
  ): void {
    const { name } = registration;
    let source: MetricsSource;
    if ('prometheusApi' in registration) {
      const api = registration.prometheusApi;
      requireField(
        'metrics source',
        name,
        'prometheusApi.baseUrl',
        api?.baseUrl,
      );
      source = new PrometheusClient({
        url: api.baseUrl,
        timeoutMs: api.timeoutMs,
        headers: api.headers,
        checkHint:
          origin === 'app-config'
            ? undefined
            : `Check the metrics source '${name}' a backend module registers and that it is running.`,
      });
    } else {
      source = registration.source;
      if (
        typeof source?.queryScalar !== 'function' ||
        typeof source?.queryRange !== 'function'
      ) {
        throw new Error(
          `The metrics source '${name}' has no queryScalar and queryRange functions; pass prometheusApi or an implementation of MetricsSource.`,
        );
      }
    }
    this.add(this.metrics, 'Metrics source', WHERE.metrics, origin, [
      { name, value: source },
    ]);
  }

  /**
   * Builds the clients, once, after every module and app-config registered. Lists put
   * app-config's entries first, then the modules' in the order they registered.
   *
   * The metrics source domains read: `gantry.prometheus` when it is configured, else
   * the first source a module registered. The others are listed in
   * `unusedMetricsSources` (the caller logs them): nothing reads them today.
   */
  build(opts: {
    argocdTimeoutMs?: number;
    kubernetesTimeoutMs?: number;
  }): BuiltProviders {
    if (this.built) throw new Error('The Gantry providers are already built.');
    this.built = true;
    const argocdInstances = configFirst(this.argocd).map(e => e.value);
    const kubernetesClusters = configFirst(this.clusters).map(e => e.value);
    const [chosen, ...unused] = configFirst(this.metrics);
    return {
      argocd: new ArgoCdClient(argocdInstances, opts.argocdTimeoutMs),
      rollouts: new RolloutsClient(
        kubernetesClusters,
        opts.kubernetesTimeoutMs,
      ),
      metrics: chosen && {
        name: chosen.name,
        origin: chosen.origin,
        source: chosen.value,
      },
      unusedMetricsSources: unused.map(e => e.name),
      argocdInstances,
      kubernetesClusters,
    };
  }

  private add<T>(
    list: Entry<T>[],
    kind: string,
    configKey: string,
    origin: ProviderOrigin,
    entries: Array<{ name: string; value: T }>,
  ): void {
    if (this.built) {
      throw new Error(
        `${kind} ${entries
          .map(e => `'${e.name}'`)
          .join(
            ', ',
          )} was registered after the Gantry plugin started; register providers in your module's init, through gantryProvidersExtensionPoint.`,
      );
    }
    // Check the whole call first, so a failed call registers nothing.
    const seen = [...list];
    for (const entry of entries) {
      const clash = seen.find(e => e.name === entry.name);
      if (
        clash &&
        !(clash.origin === 'app-config' && origin === 'app-config')
      ) {
        const by =
          clash.origin === origin
            ? 'twice by backend modules (gantryProvidersExtensionPoint)'
            : `by ${describeOrigin(
                'app-config',
                configKey,
              )} and by ${describeOrigin('module', configKey)}`;
        throw new Error(
          `${kind} '${entry.name}' is registered ${by}. ${kind} names must be unique; rename one of them.`,
        );
      }
      seen.push({ ...entry, origin });
    }
    list.push(...entries.map(e => ({ ...e, origin })));
  }
}

function requireField(
  kind: string,
  name: string,
  field: string,
  value: unknown,
): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new Error(
      `Every ${kind} needs a name; one was registered without it.`,
    );
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`The ${kind} '${name}' was registered without ${field}.`);
  }
}
