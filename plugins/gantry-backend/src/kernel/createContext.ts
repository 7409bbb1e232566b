import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  BUILT_IN_METRICS_SOURCE,
  type ProviderRegistry,
} from '../providers/providerRegistry';
import { AuditService } from './audit/AuditService';
import { KnexAuditStore } from './audit/KnexAuditStore';
import { readComplianceConfig } from './config/complianceConfig';
import { readGantryConfig, type GantryConfig } from './config/gantryConfig';
import type { GantryContext } from './context';
import { EntityAccess } from './http/EntityAccess';
import { notificationsNotifier } from './notifier';
import { knexTransactions } from './transaction';

/**
 * Builds the one context every domain is composed from; config is read here, once.
 * Runs in the plugin's init, after every module's init: `providerRegistry` already
 * holds what modules registered through gantryProvidersExtensionPoint.
 */
/** The Backstage services the plugin hands over as they are. */
type CoreServices = Pick<
  GantryContext,
  | 'db'
  | 'logger'
  | 'auth'
  | 'httpAuth'
  | 'permissions'
  | 'userInfo'
  | 'catalog'
  | 'discovery'
  | 'urlReader'
  | 'scheduler'
  | 'lifecycle'
>;

export function createContext(
  deps: CoreServices & {
    providerRegistry: ProviderRegistry;
    config: Config;
    notifications: NotificationService;
  },
): GantryContext {
  const { providerRegistry, ...services } = deps;
  const { config, providers } = buildProviders(
    readGantryConfig(deps.config),
    providerRegistry,
    deps.logger,
  );
  return {
    ...services,
    rootConfig: deps.config,
    config,
    compliance: readComplianceConfig(deps.config, config.environments),
    appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
    transaction: knexTransactions(deps.db),
    access: new EntityAccess(deps),
    audit: new AuditService(new KnexAuditStore(deps.db)),
    notifier: notificationsNotifier(deps.notifications),
    providers,
  };
}

/**
 * Registers what app-config declares (gantry.argocd.instances, gantry.kubernetes.clusters,
 * gantry.prometheus as the source named `prometheus`) the way modules register theirs,
 * then builds the clients. A name registered twice throws here, failing startup.
 * The config's instance and cluster lists become the effective ones, so every domain
 * that reads them (overview checks, cluster matching, webhook instances) sees the
 * modules' too; entries keep the fields they were registered with (app-config's `demo`).
 */
function buildProviders(
  read: GantryConfig,
  registry: ProviderRegistry,
  logger: GantryContext['logger'],
): Pick<GantryContext, 'config' | 'providers'> {
  registry.addArgoCdInstances('app-config', read.argocdInstances);
  registry.addKubernetesClusters('app-config', read.kubernetesClusters);
  if (read.prometheus) {
    registry.addMetricsSource('app-config', {
      name: BUILT_IN_METRICS_SOURCE,
      prometheusApi: {
        baseUrl: read.prometheus.url,
        timeoutMs: read.prometheus.timeoutMs,
      },
    });
  }
  const built = registry.build({
    argocdTimeoutMs: read.argocdTimeoutMs,
    kubernetesTimeoutMs: read.kubernetesTimeoutMs,
  });
  if (built.metrics?.origin === 'module') {
    logger.info(
      `Gantry reads metrics from '${built.metrics.name}', registered by a backend module (gantry.prometheus is not configured).`,
    );
  }
  if (built.unusedMetricsSources.length > 0) {
    logger.warn(
      `Gantry reads metrics from '${
        built.metrics?.name
      }' only; the metrics source(s) ${built.unusedMetricsSources
        .map(n => `'${n}'`)
        .join(
          ', ',
        )} are registered but not read. gantry.prometheus comes first, else the first source a module registers.`,
    );
  }
  return {
    config: {
      ...read,
      argocdInstances: built.argocdInstances,
      kubernetesClusters: built.kubernetesClusters,
    },
    providers: {
      argocd: built.argocd,
      rollouts: built.rollouts,
      prometheus: built.metrics?.source,
    },
  };
}
