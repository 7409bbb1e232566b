import type { GantryContext } from '../kernel/context';
import { createAuditRouter } from './router';

/** The audit log's routes (verify, query); the log itself is in the kernel, shared by every domain. */
export function createAudit(ctx: GantryContext) {
  return { router: createAuditRouter(ctx) };
}
