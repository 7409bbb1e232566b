/**
 * Scaffolder actions that onboard services into Gantry.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGantry as default } from './module';
export { createCatalogAnnotationsAction } from './actions/catalogAnnotations';
