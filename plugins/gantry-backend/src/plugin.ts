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
import { migrateLatest } from './database/migrate';
import type { Notifier } from './approvals/Notifier';
import { DriftService } from './drift/DriftService';
import { IncidentService } from './incidents/IncidentService';
import { IncidentStore } from './incidents/IncidentStore';
import { readIncidentsConfig } from './incidents/incidentsConfig';
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
import { RolloutAttentionService } from './rollouts/RolloutAttentionService';
import { DeploymentHistoryService } from './history/DeploymentHistoryService';
import { DeploymentStore } from './history/DeploymentStore';
import { createRouter } from './router';
import { CanaryAnalysisService } from './canary/CanaryAnalysisService';
import { CanaryAnalysisStore } from './canary/CanaryAnalysisStore';
import { readCanaryConfig } from './canary/canaryConfig';
import { PrometheusClient } from './providers/PrometheusClient';
import { createFlags, EVENTS_PATH } from './flags/createFlags';
import { readSloConfig } from './slo/sloConfig';
import { sloBudgetGate } from './slo/sloBudgetGate';
import { SloService } from './slo/SloService';
import { SloSpecLoader } from './slo/SloSpecLoader';

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
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        notifications: notificationService,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        urlReader: coreServices.urlReader,
      },
      async init(deps) {
        const db = await deps.database.getClient();
        if (!deps.database.migrations?.skip) {
          await migrateLatest(
            db,
            resolvePackagePath('@gantry/plugin-gantry-backend', 'migrations'),
          );
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
        const notifier: Notifier = {
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
        };
        const promotions = new PromotionService({
          store: promotionStore,
          evidence: evidenceStore,
          audit,
          approvers,
          notifier,
          config: compliance.approvals,
          environments: gantryConfig.environments,
          logger: deps.logger,
        });
        const allowlistStore = new AllowlistStore(db);
        const rolloutsClient = new RolloutsClient(
          gantryConfig.kubernetesClusters,
          gantryConfig.kubernetesTimeoutMs,
        );
        const argocdClient = new ArgoCdClient(
          gantryConfig.argocdInstances,
          gantryConfig.argocdTimeoutMs,
        );
        const incidentStore = new IncidentStore(db);
        const history = new DeploymentHistoryService({
          store: new DeploymentStore(db),
          incidents: incidentStore,
          catalog: deps.catalog,
          auth: deps.auth,
          config: gantryConfig,
        });
        const deployments = new DeploymentsService({
          argocd: argocdClient,
          rollouts: rolloutsClient,
          config: gantryConfig,
          history,
          logger: deps.logger,
        });
        const slos = new SloService({
          specs: new SloSpecLoader({ reader: deps.urlReader }),
          prometheus: gantryConfig.prometheus
            ? new PrometheusClient(gantryConfig.prometheus)
            : undefined,
          appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
        });
        const gates = new GateService({
          config: compliance,
          environments: gantryConfig.environments,
          evidence,
          promotions,
          allowlist: allowlistStore,
          signals: [
            sloBudgetGate({ slos, config: readSloConfig(deps.config) }),
          ],
        });

        const flags = createFlags({
          db,
          config: deps.config,
          logger: deps.logger,
          discovery: deps.discovery,
          httpAuth: deps.httpAuth,
          access: new EntityAccess(deps),
          audit,
          approvers,
          environments: gantryConfig.environments,
          approvals: compliance.approvals,
          slos,
          catalog: deps.catalog,
          auth: deps.auth,
        });
        await flags.scheduleTasks(deps.scheduler);
        flags.registry.start();
        deps.lifecycle.addShutdownHook(() => flags.registry.stop());
        const argocdActions = new ArgoCdActionService({
          argocd: argocdClient,
          audit,
        });
        const rolloutActions = new RolloutActionService({
          client: rolloutsClient,
          gates,
          audit,
          environments: gantryConfig.environments,
          environmentLabel: gantryConfig.environmentLabel,
          history,
        });
        const incidentsConfig = readIncidentsConfig(deps.config);
        const incidents = new IncidentService({
          store: incidentStore,
          history,
          deployments,
          rollouts: rolloutActions,
          argocdActions,
          flags: flags.flags,
          audit,
          catalog: deps.catalog,
          auth: deps.auth,
          userInfo: deps.userInfo,
          notifier,
          logger: deps.logger,
          correlationWindowMs: incidentsConfig.correlationWindowMs,
          appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
        });
        // Once per tick across replicas: the scheduler holds a lock in the database.
        await deps.scheduler.scheduleTask({
          id: 'gantry-incident-escalation',
          frequency: { seconds: incidentsConfig.escalationCheckSeconds },
          timeout: { minutes: 1 },
          fn: async () => {
            await incidents.escalate();
          },
        });
        const drift = new DriftService({
          db,
          catalog: deps.catalog,
          auth: deps.auth,
          deployments,
          notifier,
          logger: deps.logger,
          thresholdMs: incidentsConfig.driftThresholdMs,
          appBaseUrl: deps.config.getOptionalString('app.baseUrl'),
        });
        await deps.scheduler.scheduleTask({
          id: 'gantry-drift-check',
          frequency: { seconds: incidentsConfig.driftCheckSeconds },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await drift.check();
          },
        });
        // Mounted first: OFREP parses its own bodies to answer in OFREP's error format.
        deps.httpRouter.use(flags.router);
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
            argocdActions,
            canary: new CanaryAnalysisService({
              store: new CanaryAnalysisStore(db),
              audit,
              prometheus: gantryConfig.prometheus
                ? new PrometheusClient(gantryConfig.prometheus)
                : undefined,
              config: readCanaryConfig(deps.config),
            }),
            deployments,
            slos,
            rolloutAttention: new RolloutAttentionService({
              catalog: deps.catalog,
              userInfo: deps.userInfo,
              deployments,
            }),
            history,
            rollouts: rolloutActions,
            incidents,
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
        // Applications authenticate to these with flag client keys, checked by the flags router.
        deps.httpRouter.addAuthPolicy({
          path: '/ofrep',
          allow: 'unauthenticated',
        });
        deps.httpRouter.addAuthPolicy({
          path: '/flagd',
          allow: 'unauthenticated',
        });
        deps.httpRouter.addAuthPolicy({
          path: EVENTS_PATH,
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
