/**
 * Gantry's flag data plane: one evaluator for both shapes, the listener inside the
 * backend and the standalone edge process.
 *
 * @packageDocumentation
 */
export * from './protocol';
export {
  evaluateFlag,
  evaluateAll,
  variantOf,
  type CompiledFlagSet,
  type OfrepSuccess,
  type OfrepFailure,
  type OfrepResult,
} from './evaluate';
export {
  EdgeState,
  compileFlagSet,
  flagSetEtag,
  setIdOf,
  type EdgeSource,
} from './EdgeState';
export {
  createEdgeServer,
  hashSecret,
  streamTokenOf,
  type EdgeHealth,
  type EdgeServer,
  type EdgeServerOptions,
  type StaleMode,
} from './server';
export { WindowLimiter, jsonDepthExceeds } from './limits';
export { UsageAggregator } from './usage';
export { StreamClient, type StreamClientOptions } from './StreamClient';
export {
  readSnapshotFile,
  writeSnapshotFile,
  type PersistedSnapshot,
} from './snapshotFile';
export { startStandaloneEdge, type StandaloneEdgeOptions } from './startEdge';
export { main } from './main';
