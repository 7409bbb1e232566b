/** What a caller records; seq, time and hashes are added by the audit log. */
export interface AuditEntry {
  /** Entity ref of the user or service that made the change. */
  actor: string;
  /** Dotted verb, e.g. `evidence.upload`, `approval.decide`, `flag.update`. */
  action: string;
  /** Catalog entity the change concerns, when there is one. */
  entityRef?: string;
  /** Why, before/after, ids: anything a reviewer needs. Must be JSON. */
  details?: Record<string, unknown>;
}

/** The hashed content of one audit record. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  occurredAt: string;
}

export interface StoredAuditRecord {
  seq: number;
  occurredAt: string;
  actor: string;
  action: string;
  entityRef: string | null;
  record: string;
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; checked: number; head: ChainHead }
  | {
      ok: false;
      checked: number;
      firstBrokenSeq: number;
      reason: string;
    };

export const GENESIS_HASH = '0'.repeat(64);
