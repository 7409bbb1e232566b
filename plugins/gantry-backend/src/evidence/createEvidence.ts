import type { GantryContext } from '../kernel/context';
import { EvidenceService } from './EvidenceService';
import { KnexEvidenceStore } from './KnexEvidenceStore';
import { createEvidenceRouter } from './router';

/** Evidence from CI: uploads, parsed summaries, the original bytes. */
export function createEvidence(ctx: GantryContext) {
  const store = new KnexEvidenceStore(ctx.db);
  const evidence = new EvidenceService(store, ctx.audit);
  return {
    router: createEvidenceRouter({ access: ctx.access, evidence }),
    evidence,
    store,
  };
}
