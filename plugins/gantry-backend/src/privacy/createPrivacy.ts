import type { GantryContext } from '../kernel/context';
import { personalDataOf } from './personalDataDeclaration';
import { ProcessingRecordService } from './ProcessingRecordService';
import { createPrivacyRouter } from './router';

/** Personal data declarations and the GDPR Article 30 record of processing activities. */
export function createPrivacy(ctx: GantryContext) {
  return {
    router: createPrivacyRouter({
      access: ctx.access,
      httpAuth: ctx.httpAuth,
      records: new ProcessingRecordService({ catalog: ctx.catalog }),
    }),
    /** What an entity declares (the dpia gate rule reads it). */
    personalData: { declarationOf: personalDataOf },
  };
}
