/**
 * Extension points and shared types for Gantry backend modules.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './providers';
