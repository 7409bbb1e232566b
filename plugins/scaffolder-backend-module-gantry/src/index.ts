/**
 * Scaffolder actions that onboard services into Gantry.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGantry as default } from './module';
export { createCatalogAnnotationsAction } from './actions/catalogAnnotations';
export { createGitopsOverlaysAction } from './actions/gitopsOverlays';
export { createGitopsValidateAction } from './actions/gitopsValidate';
export { generateOverlays } from './gitops/generate';
export { validateTree } from './gitops/validate';
