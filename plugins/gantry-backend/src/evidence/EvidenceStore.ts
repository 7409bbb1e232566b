import type {
  EvidenceRecord,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

/** A release without its evidence. */
export type ReleaseInfo = Omit<ReleaseRecord, 'evidence'>;

/** Releases and their evidence as the evidence service (and approvals) need them. */
export interface EvidenceStore {
  transaction: RunInTransaction;

  /** Reads the release, inside `tx` when given. */
  getRelease(
    entityRef: string,
    version: string,
    tx?: Transaction,
  ): Promise<ReleaseInfo | undefined>;

  insertRelease(tx: Transaction, rel: ReleaseInfo): Promise<void>;

  setImageDigest(
    tx: Transaction,
    entityRef: string,
    version: string,
    digest: string,
  ): Promise<void>;

  /** The evidence of the release with the same format and the same bytes, if any. */
  findDuplicate(
    tx: Transaction,
    key: { entityRef: string; version: string; format: string; sha256: string },
  ): Promise<EvidenceRecord | undefined>;

  /** Stores the record and the original bytes. */
  insertEvidence(
    tx: Transaction,
    rec: EvidenceRecord,
    content: Buffer,
  ): Promise<void>;

  /** The newest `limit` releases of the entity, each with its evidence (oldest upload first). */
  listReleases(entityRef: string, limit: number): Promise<ReleaseRecord[]>;

  /** Oldest upload first. */
  evidenceFor(entityRef: string, version: string): Promise<EvidenceRecord[]>;

  content(
    id: string,
  ): Promise<{ record: EvidenceRecord; content: Buffer } | undefined>;
}
