import type { GantryContext } from '../kernel/context';
import { EvidenceService } from './EvidenceService';
import { EvidenceStore } from './EvidenceStore';
import { createEvidenceRouter } from './router';

/** Evidence from CI: uploads, parsed summaries, the original bytes. */
export function createEvidence(ctx: GantryContext) {
  const store = new EvidenceStore(ctx.db);
  const evidence = new EvidenceService(store, ctx.audit);
  return {
    router: createEvidenceRouter({ access: ctx.access, evidence }),
    evidence,
    store,
  };
}
