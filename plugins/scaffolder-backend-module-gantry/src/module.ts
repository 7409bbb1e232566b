import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogAnnotationsAction } from './actions/catalogAnnotations';
import { createGitopsOverlaysAction } from './actions/gitopsOverlays';
import { createGitopsValidateAction } from './actions/gitopsValidate';

/**
 * Registers Gantry's scaffolder actions.
 *
 * @public
 */
export const scaffolderModuleGantry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gantry',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        scaffolder.addActions(
          createCatalogAnnotationsAction({ config }),
          createGitopsOverlaysAction({ config }),
          createGitopsValidateAction(),
        );
      },
    });
  },
});
