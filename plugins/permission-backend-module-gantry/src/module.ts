import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GantryPermissionPolicy } from './GantryPermissionPolicy';
import { GroupMembership } from './GroupMembership';

/** Installs the Gantry permission policy into the permission backend. */
export const permissionModuleGantryPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'gantry-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ policy, config, auth, catalog }) {
        const settings = config.getOptionalConfig('permission.gantry');
        const ttlSeconds =
          settings?.getOptionalNumber('membershipCacheSeconds') ?? 30;
        policy.setPolicy(
          new GantryPermissionPolicy({
            adminGroups: settings?.getOptionalStringArray('adminGroups') ?? [],
            membership: new GroupMembership({
              catalog,
              auth,
              ttlMs: ttlSeconds * 1000,
            }),
          }),
        );
      },
    });
  },
});
