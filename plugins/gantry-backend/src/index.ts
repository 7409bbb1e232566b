/**
 * The Gantry backend plugin.
 *
 * @packageDocumentation
 */
export { gantryPlugin as default } from './plugin';
export { AuditService } from './kernel/audit/AuditService';
export type {
  AuditEntry,
  AuditRecord,
  VerifyResult,
} from './kernel/audit/types';
