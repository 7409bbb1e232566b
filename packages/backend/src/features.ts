/**
 * Every backend feature of the portal: index.ts starts them and boot.test.ts checks
 * that they all initialise from app-config.yaml.
 */
import appBackend from '@backstage/plugin-app-backend';
import proxyBackend from '@backstage/plugin-proxy-backend';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import scaffolderBackendModuleGithub from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderBackendModuleNotifications from '@backstage/plugin-scaffolder-backend-module-notifications';
import scaffolderBackendModuleGantry from '@gantry/plugin-scaffolder-backend-module-gantry';
import authBackend from '@backstage/plugin-auth-backend';
import authBackendModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogBackendModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogBackendModuleLogs from '@backstage/plugin-catalog-backend-module-logs';
import permissionBackend from '@backstage/plugin-permission-backend';
import permissionBackendModuleGantryPolicy from '@gantry/plugin-permission-backend-module-gantry';
import searchBackend from '@backstage/plugin-search-backend';
import searchBackendModulePg from '@backstage/plugin-search-backend-module-pg';
import searchBackendModuleCatalog from '@backstage/plugin-search-backend-module-catalog';
import userSettingsBackend from '@backstage/plugin-user-settings-backend';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import signalsBackend from '@backstage/plugin-signals-backend';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';
import eventsBackend from '@backstage/plugin-events-backend';
import gantryBackend from '@gantry/plugin-gantry-backend';

export const features = [
  appBackend,
  proxyBackend,
  scaffolderBackend,
  scaffolderBackendModuleGithub,
  scaffolderBackendModuleNotifications,
  scaffolderBackendModuleGantry,
  authBackend,
  authBackendModuleGuestProvider,
  catalogBackend,
  catalogBackendModuleScaffolderEntityModel,
  catalogBackendModuleLogs,
  permissionBackend,
  permissionBackendModuleGantryPolicy,
  searchBackend,
  searchBackendModulePg,
  searchBackendModuleCatalog,
  userSettingsBackend,
  notificationsBackend,
  signalsBackend,
  mcpActionsBackend,
  eventsBackend,
  gantryBackend,
];
