import type {
  AuthService,
  DiscoveryService,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsService,
  SchedulerService,
  UrlReaderService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import { ArgoCdClient } from '../providers/ArgoCdClient';
import { PrometheusClient } from '../providers/PrometheusClient';
import { RolloutsClient } from '../providers/RolloutsClient';
import { AuditService } from './audit/AuditService';
import { AuditStore } from './audit/AuditStore';
import { readComplianceConfig } from './config/complianceConfig';
import { readGantryConfig } from './config/gantryConfig';
import type { GantryContext } from './context';
import { EntityAccess } from './http/EntityAccess';
import { notificationsNotifier } from './notifier';
import { knexTransactions } from './transaction';

/** Builds the one context every domain is composed from; config is read here, once. */
export function createContext(deps: {
  db: Knex;
  config: Config;
  logger: LoggerService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  discovery: DiscoveryService;
  urlReader: UrlReaderService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  notifications: NotificationService;
}): GantryContext {
  const config = readGantryConfig(deps.config);
  return {
    ...deps,
    rootConfig: deps.config,
    config,
    compliance: readComplianceConfig(deps.config, config.environments),
    appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
    transaction: knexTransactions(deps.db),
    access: new EntityAccess(deps),
    audit: new AuditService(new AuditStore(deps.db)),
    notifier: notificationsNotifier(deps.notifications),
    providers: {
      argocd: new ArgoCdClient(config.argocdInstances, config.argocdTimeoutMs),
      rollouts: new RolloutsClient(
        config.kubernetesClusters,
        config.kubernetesTimeoutMs,
      ),
      prometheus: config.prometheus
        ? new PrometheusClient(config.prometheus)
        : undefined,
    },
  };
}
