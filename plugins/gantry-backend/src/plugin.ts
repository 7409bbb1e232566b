import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { gantryPermissions } from '@gantry/plugin-gantry-common';
import {
  gantryOverviewExtensionPoint,
  type CapabilityCheck,
} from '@gantry/plugin-gantry-node';
import { ApproverDirectory } from './approvals/approvers';
import { PromotionService } from './approvals/PromotionService';
import { PromotionStore } from './approvals/PromotionStore';
import { AuditService } from './audit/AuditService';
import { AuditStore } from './audit/AuditStore';
import { readComplianceConfig } from './config/complianceConfig';
import { readGantryConfig } from './config/gantryConfig';
import { EvidenceService } from './evidence/EvidenceService';
import { EvidenceStore } from './evidence/EvidenceStore';
import { AllowlistService } from './gates/AllowlistService';
import { AllowlistStore } from './gates/AllowlistStore';
import { GateService } from './gates/GateService';
import { EntityAccess } from './http/EntityAccess';
import { builtInConfigChecks } from './overview/configChecks';
import { OverviewService } from './overview/OverviewService';
import { ComplianceReportService } from './report/ComplianceReportService';
import { RolloutsClient } from './providers/RolloutsClient';
import { ArgoCdClient } from './providers/ArgoCdClient';
import { DeploymentsService } from './deployments/DeploymentsService';
import { ArgoCdActionService } from './deployments/ArgoCdActionService';
import { RolloutActionService } from './rollouts/RolloutActionService';
import { createRouter } from './router';

/**
 * The Gantry backend plugin, mounted at /api/gantry.
 *
 * @public
 */
export const gantryPlugin = createBackendPlugin({
  pluginId: 'gantry',
  register(env) {
    const moduleChecks: CapabilityCheck[] = [];
    env.registerExtensionPoint(gantryOverviewExtensionPoint, {
      addCapabilityCheck(...checks) {
        moduleChecks.push(...checks);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        auth: coreServices.auth,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const db = await deps.database.getClient();
        if (!deps.database.migrations?.skip) {
          await db.migrate.latest({
            directory: resolvePackagePath(
              '@gantry/plugin-gantry-backend',
              'migrations',
            ),
          });
        }
        deps.permissionsRegistry.addPermissions(gantryPermissions);

        const gantryConfig = readGantryConfig(deps.config);
        const compliance = readComplianceConfig(
          deps.config,
          gantryConfig.environments,
        );
        const audit = new AuditService(new AuditStore(db));
        const evidenceStore = new EvidenceStore(db);
        const evidence = new EvidenceService(evidenceStore, audit);
        const promotionStore = new PromotionStore(db);
        const approvers = new ApproverDirectory(deps.catalog, deps.auth);
        const promotions = new PromotionService({
          store: promotionStore,
          evidence: evidenceStore,
          audit,
          approvers,
          notifier: {
            notify: async m =>
              deps.notifications.send({
                recipients: { type: 'entity', entityRef: m.recipients },
                payload: {
                  title: m.title,
                  description: m.description,
                  link: m.link,
                  topic: m.topic,
                  severity: 'high',
                },
              }),
          },
          config: compliance.approvals,
          environments: gantryConfig.environments,
          logger: deps.logger,
        });
        const allowlistStore = new AllowlistStore(db);
        const rolloutsClient = new RolloutsClient(
          gantryConfig.kubernetesClusters,
        );
        const argocdClient = new ArgoCdClient(gantryConfig.argocdInstances);
        const gates = new GateService({
          config: compliance,
          environments: gantryConfig.environments,
          evidence,
          promotions,
          allowlist: allowlistStore,
          signals: [],
        });

        deps.httpRouter.use(
          await createRouter({
            db,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            access: new EntityAccess(deps),
            audit,
            overview: new OverviewService(
              deps.catalog,
              [...builtInConfigChecks(gantryConfig), ...moduleChecks],
              {
                environments: gantryConfig.environments,
                approvalEnvironments: compliance.approvals.environments,
              },
            ),
            evidence,
            gates,
            allowlist: new AllowlistService(allowlistStore, audit),
            promotions,
            argocdActions: new ArgoCdActionService({
              argocd: argocdClient,
              audit,
            }),
            deployments: new DeploymentsService({
              argocd: argocdClient,
              rollouts: rolloutsClient,
              config: gantryConfig,
            }),
            rollouts: new RolloutActionService({
              client: rolloutsClient,
              gates,
              audit,
              environments: gantryConfig.environments,
              environmentLabel: gantryConfig.environmentLabel,
            }),
            reports: new ComplianceReportService({
              evidence,
              promotions: promotionStore,
              allowlist: allowlistStore,
              approvers,
              audit,
              config: compliance,
            }),
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        deps.logger.info(
          `Gantry ready: environments ${gantryConfig.environments.join(
            ' -> ',
          )}, approvals for ${compliance.approvals.environments.join(', ')}, ${
            gantryConfig.argocdInstances.length
          } Argo CD instance(s)`,
        );
      },
    });
  },
});
