import type {
  EvidenceRecord,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';
import type { VulnerabilityRow } from './parsers';

/** A release without its evidence. */
export type ReleaseInfo = Omit<ReleaseRecord, 'evidence'>;

/**
 * Which vulnerabilities to find: those of `fixableSeverities` that have a fix, every one
 * of `anySeverities`, and every one whose security-severity score is at least `minScore`.
 */
export interface VulnerabilityMatch {
  fixableSeverities: string[];
  anySeverities: string[];
  minScore?: number;
}

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

  /** Stores the record, the original bytes and every vulnerability the document reports. */
  /** Bytes of evidence content the entity holds, over all its releases. */
  storedBytes(tx: Transaction, entityRef: string): Promise<number>;

  insertEvidence(
    tx: Transaction,
    rec: EvidenceRecord,
    content: Buffer,
    vulnerabilities: VulnerabilityRow[],
  ): Promise<void>;

  /**
   * The distinct ids (with their most severe severity) of the release's vulnerabilities
   * that `match`, most severe first, over all of its evidence: counted in the database,
   * with no cap.
   */
  matchingVulnerabilities(
    entityRef: string,
    version: string,
    match: VulnerabilityMatch,
  ): Promise<Array<{ id: string; severity: string }>>;

  /** The newest `limit` releases of the entity, each with its evidence (oldest upload first). */
  listReleases(entityRef: string, limit: number): Promise<ReleaseRecord[]>;

  /** Oldest upload first. */
  evidenceFor(entityRef: string, version: string): Promise<EvidenceRecord[]>;

  content(
    id: string,
  ): Promise<{ record: EvidenceRecord; content: Buffer } | undefined>;
}
