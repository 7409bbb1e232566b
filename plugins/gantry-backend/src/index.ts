/**
 * The Gantry backend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin as default } from './plugin';
export { AuditService } from './audit/AuditService';
export type { AuditEntry, AuditRecord, VerifyResult } from './audit/types';
