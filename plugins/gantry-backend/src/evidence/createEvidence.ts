import type { GantryContext } from '../kernel/context';
import { rateLimit } from '../kernel/http/rateLimit';
import { EvidenceService, readEvidenceQuota } from './EvidenceService';
import { KnexEvidenceStore } from './KnexEvidenceStore';
import { SignatureVerifier } from './signatures/SignatureVerifier';
import { createEvidenceRouter } from './router';

/** Evidence from CI: uploads, parsed summaries, the original bytes. */
export function createEvidence(ctx: GantryContext) {
  const store = new KnexEvidenceStore(ctx.db);
  const evidence = new EvidenceService(
    store,
    ctx.audit,
    undefined,
    { signatures: new SignatureVerifier(ctx.compliance.signatures) },
    readEvidenceQuota(ctx.rootConfig),
  );
  return {
    router: createEvidenceRouter({
      access: ctx.access,
      evidence,
      uploadLimit: rateLimit({
        httpAuth: ctx.httpAuth,
        config: ctx.rootConfig,
        route: 'evidenceUpload',
      }),
    }),
    evidence,
    store,
  };
}
