import type { DeploymentsView } from '@gantry/plugin-gantry-common';
import type { PipelineReader } from '../kernel/ports';

/**
 * The pipeline as the canary rule reads it: at most one live read per entity every
 * `ttlMs`, concurrent evaluations sharing it. Every AnalysisRun's gate metric asks the
 * gate on its interval, and each live read walks Argo CD and every cluster. Only complete
 * views are kept: one with read errors (which makes the rule pending) is asked again.
 * Staleness is bounded by `ttlMs` and only delays which pod-template hash is the
 * release's canary; the verdicts themselves are always read from the store.
 */
export function cachedPipeline(
  reader: PipelineReader,
  ttlMs: number,
  now: () => number = Date.now,
): PipelineReader {
  const cache = new Map<
    string,
    { expires: number; view: Promise<DeploymentsView> }
  >();
  return {
    forEntity(entity, entityRef) {
      const hit = cache.get(entityRef);
      if (hit && hit.expires > now()) return hit.view;
      const view = reader.forEntity(entity, entityRef);
      const entry = { expires: now() + ttlMs, view };
      cache.set(entityRef, entry);
      const forget = () => {
        if (cache.get(entityRef) === entry) cache.delete(entityRef);
      };
      view.then(v => v.errors.length && forget(), forget);
      return view;
    },
  };
}
