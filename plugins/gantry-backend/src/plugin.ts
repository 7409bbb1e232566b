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
  gantryProvidersExtensionPoint,
  type CapabilityCheck,
} from '@gantry/plugin-gantry-node';
import express from 'express';
import Router from 'express-promise-router';
import { createApprovals } from './approvals/createApprovals';
import { createAudit } from './audit/createAudit';
import { createCanary } from './canary/createCanary';
import { createCapacity } from './capacity/createCapacity';
import { argocdRollbackRemedy } from './deployments/argocdRollbackRemedy';
import { createDeployments } from './deployments/createDeployments';
import { createDrift } from './drift/createDrift';
import { createEvidence } from './evidence/createEvidence';
import { createFlags } from './flags/createFlags';
import { flagOffRemedy } from './flags/flagOffRemedy';
import { createGates } from './gates/createGates';
import { createGitops } from './gitops/createGitops';
import { createHistory } from './history/createHistory';
import { createIncidents } from './incidents/createIncidents';
import { createContext } from './kernel/createContext';
import { migrateLatest } from './kernel/database/migrate';
import { databaseUnavailableHandler } from './kernel/http/databaseUnavailable';
import { healthRouter } from './kernel/http/healthRouter';
import { createOverview } from './overview/createOverview';
import { createPrivacy } from './privacy/createPrivacy';
import { ProviderRegistry } from './providers/providerRegistry';
import { createReport } from './report/createReport';
import { abortRolloutRemedy } from './rollouts/abortRolloutRemedy';
import { createRollouts } from './rollouts/createRollouts';
import { createSlo } from './slo/createSlo';

/**
 * The Gantry backend plugin, mounted at /api/gantry. One context is built here and each
 * domain's `createX(ctx, …)` returns its routers and what other domains may use.
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
    // Modules add Argo CD instances, clusters and metrics sources in their init; the
    // plugin adds app-config's in createContext and builds the clients there.
    const providerRegistry = new ProviderRegistry();
    env.registerExtensionPoint(
      gantryProvidersExtensionPoint,
      providerRegistry.forModules(),
    );

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
        const ctx = createContext({ ...deps, db, providerRegistry });

        const audit = createAudit(ctx);
        const evidence = createEvidence(ctx);
        const approvals = createApprovals(ctx, { evidence: evidence.store });
        const gitops = createGitops(ctx, {
          releases: evidence.store,
          promotions: approvals.promotions,
        });
        approvals.promotions.addListener(gitops.listener);
        const history = createHistory(ctx);
        const deployments = createDeployments(ctx, {
          history: history.history,
          emergencies: approvals.promotions,
          evidence: evidence.store,
        });
        const slo = createSlo(ctx);
        const canary = createCanary(ctx, {
          pipeline: deployments.deployments,
        });
        const capacity = createCapacity(ctx, {
          pipeline: deployments.deployments,
        });
        const privacy = createPrivacy(ctx);
        const gates = createGates(ctx, {
          evidence: evidence.evidence,
          promotions: approvals.promotions,
          signals: [slo.gateSignal, canary.gateSignal],
          personalData: privacy.personalData,
        });
        // Production syncs and rollbacks pass the gate, whose canary signal reads the pipeline.
        deployments.useReleaseGate(gates.gates);
        const rollouts = createRollouts(ctx, {
          gates: gates.gates,
          history: history.history,
          deployments: deployments.deployments,
          groupsOf: ref => approvals.approvers.groupsOf(ref),
        });
        const flags = await createFlags(ctx, {
          approvers: approvals.approvers,
          slos: slo.slos,
        });
        const incidents = await createIncidents(ctx, {
          history: history.history,
          pipeline: deployments.deployments,
          remedies: [
            abortRolloutRemedy(rollouts.rollouts),
            argocdRollbackRemedy({
              history: history.history,
              argocd: deployments.argocdActions,
            }),
            flagOffRemedy({ audit: ctx.audit, flags: flags.flags }),
          ],
        });
        await createDrift(ctx, { deployments: deployments.deployments });
        const report = createReport(ctx, {
          evidence: evidence.evidence,
          promotions: approvals.store,
          allowlist: gates.allowlistStore,
          approvers: approvals.approvers,
          history: history.history,
        });
        const overview = createOverview(ctx, { moduleChecks });

        // Flags first: OFREP parses its own bodies to answer in OFREP's error format.
        // Evidence uploads read their own raw body; everything after it is JSON.
        const router = Router();
        router.use(flags.router);
        router.use(evidence.router);
        router.use(express.json({ limit: '1mb' }));
        router.use(healthRouter(db));
        for (const domain of [
          overview,
          audit,
          gates,
          approvals,
          gitops,
          report,
          privacy,
          rollouts,
          deployments,
          canary,
          history,
          incidents,
          slo,
          capacity,
        ])
          router.use(domain.router);
        router.use(databaseUnavailableHandler(deps.logger));
        deps.httpRouter.use(router);
        for (const path of ['/health', ...flags.publicPaths])
          deps.httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });

        deps.logger.info(
          `Gantry ready: environments ${ctx.config.environments.join(
            ' -> ',
          )}, approvals for ${ctx.compliance.approvals.environments.join(
            ', ',
          )}, ${ctx.config.argocdInstances.length} Argo CD instance(s)`,
        );
      },
    });
  },
});
