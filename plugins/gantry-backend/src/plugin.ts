import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  gantryOverviewExtensionPoint,
  type CapabilityCheck,
} from '@gantry/plugin-gantry-node';
import { gantryPermissions } from '@gantry/plugin-gantry-common';
import { AuditService } from './audit/AuditService';
import { AuditStore } from './audit/AuditStore';
import { readGantryConfig } from './config/gantryConfig';
import { builtInConfigChecks } from './overview/configChecks';
import { OverviewService } from './overview/OverviewService';
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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
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
        const audit = new AuditService(new AuditStore(db));
        const overview = new OverviewService(deps.catalog, [
          ...builtInConfigChecks(gantryConfig),
          ...moduleChecks,
        ]);

        deps.httpRouter.use(
          await createRouter({
            db,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            audit,
            overview,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        deps.logger.info(
          `Gantry ready: environments ${gantryConfig.environments.join(
            ' -> ',
          )}, ${gantryConfig.argocdInstances.length} Argo CD instance(s)`,
        );
      },
    });
  },
});
