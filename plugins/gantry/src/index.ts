/**
 * Gantry frontend plugin (new frontend system). The legacy plugin is at
 * `@gantry/plugin-gantry/legacy`.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { gantryApiRef, type GantryApi } from './api/GantryApi';
export { GantryClient } from './api/GantryClient';
