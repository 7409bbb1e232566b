import type { GantryContext } from '../kernel/context';
import { EvidenceService } from './EvidenceService';
import { KnexEvidenceStore } from './KnexEvidenceStore';
import { SignatureVerifier } from './signatures/SignatureVerifier';
import { createEvidenceRouter } from './router';

/** Evidence from CI: uploads, parsed summaries, the original bytes. */
export function createEvidence(ctx: GantryContext) {
  const store = new KnexEvidenceStore(ctx.db);
  const evidence = new EvidenceService(store, ctx.audit, undefined, {
    signatures: new SignatureVerifier(ctx.compliance.signatures),
  });
  return {
    router: createEvidenceRouter({ access: ctx.access, evidence }),
    evidence,
    store,
  };
}
