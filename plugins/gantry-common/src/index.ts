/**
 * Shared annotation names, capability rules and API types for the Gantry plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './capabilities';
export * from './api';
export * from './permissions';
export * from './compliance';
export * from './deployments';
export * from './rollbackObjectives';
export * from './flags';
export * from './flagRollouts';
export * from './slos';
export * from './canary';
export * from './incidents';
export * from './gitops';
export * from './membership';
export * from './traces';
export * from './privacy';
export * from './metricQueries';
export * from './capacity';
