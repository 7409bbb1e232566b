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
import type { Knex } from 'knex';
import type { MetricsSource } from '@gantry/plugin-gantry-node';
import type { ArgoCdClient } from '../providers/ArgoCdClient';
import type { RolloutsClient } from '../providers/RolloutsClient';
import type { AuditService } from './audit/AuditService';
import type { ComplianceConfig } from './config/complianceConfig';
import type { GantryConfig } from './config/gantryConfig';
import type { EntityAccess } from './http/EntityAccess';
import type { Notifier } from './notifier';
import type { RunInTransaction } from './transaction';

/**
 * The clients of the systems Gantry reads and drives; built once, shared by every domain,
 * from what app-config declares and what backend modules register through
 * `gantryProvidersExtensionPoint` (providers/providerRegistry.ts).
 */
interface GantryProviders {
  /** Every Argo CD instance: gantry.argocd.instances first, then the modules'. */
  argocd: ArgoCdClient;
  /** Every Kubernetes cluster: gantry.kubernetes.clusters first, then the modules'. */
  rollouts: RolloutsClient;
  /**
   * The one metrics source SLOs, canary analysis and flag usage read: gantry.prometheus
   * when configured, else the first source a module registered; absent when there is
   * none. (Named for the PromQL it answers; a module's source may be Thanos, Mimir or an
   * adapter.)
   */
  prometheus?: MetricsSource;
}

/**
 * Everything a domain's `createX(ctx)` may use, built once by the plugin. Domains build
 * their Knex stores from `db`; their services get stores, `transaction` and the rest,
 * never `db` itself.
 */
export interface GantryContext {
  db: Knex;
  transaction: RunInTransaction;
  /**
   * `gantry.*` read once and typed; domain sections are read by their domain from
   * `rootConfig`. `argocdInstances` and `kubernetesClusters` are the effective lists:
   * app-config's, then those backend modules registered (the same as `providers` use).
   */
  config: GantryConfig;
  compliance: ComplianceConfig;
  rootConfig: Config;
  appBaseUrl?: string;
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
  access: EntityAccess;
  audit: AuditService;
  notifier: Notifier;
  providers: GantryProviders;
}
