import {
  SEVERITIES,
  type EvidenceFormat,
  type EvidenceRecord,
  type EvidenceSummary,
  type ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type {
  EvidenceStore,
  ReleaseInfo,
  VulnerabilityMatch,
} from './EvidenceStore';
import type { VulnerabilityRow } from './parsers';

const SEVERITY_ORDER: readonly string[] = SEVERITIES;
/** 100 rows of 7 values stay below SQLite's 999 bound parameters per statement. */
const INSERT_CHUNK = 100;

type ReleaseRow = {
  entity_ref: string;
  version: string;
  commit_sha: string;
  image_digest: string | null;
  created_at: string;
};
type EvidenceRow = {
  id: string;
  entity_ref: string;
  version: string;
  format: string;
  sha256: string;
  size_bytes: number;
  summary: string;
  uploaded_by: string;
  uploaded_at: string;
};
const EVIDENCE_COLUMNS = [
  'id',
  'entity_ref',
  'version',
  'format',
  'sha256',
  'size_bytes',
  'summary',
  'uploaded_by',
  'uploaded_at',
];

const toEvidence = (r: EvidenceRow): EvidenceRecord => ({
  id: r.id,
  entityRef: r.entity_ref,
  version: r.version,
  format: r.format as EvidenceFormat,
  sha256: r.sha256,
  sizeBytes: Number(r.size_bytes),
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at,
  summary: JSON.parse(r.summary) as EvidenceSummary,
});

export class KnexEvidenceStore implements EvidenceStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async getRelease(
    entityRef: string,
    version: string,
    tx: Knex = this.db,
  ): Promise<ReleaseInfo | undefined> {
    const r: ReleaseRow | undefined = await tx('gantry_releases')
      .where({ entity_ref: entityRef, version })
      .first();
    return (
      r && {
        entityRef: r.entity_ref,
        version: r.version,
        commit: r.commit_sha,
        imageDigest: r.image_digest ?? undefined,
        createdAt: r.created_at,
      }
    );
  }

  async insertRelease(tx: Transaction, rel: ReleaseInfo): Promise<void> {
    await tx('gantry_releases').insert({
      entity_ref: rel.entityRef,
      version: rel.version,
      commit_sha: rel.commit,
      image_digest: rel.imageDigest ?? null,
      created_at: rel.createdAt,
    });
  }

  async setImageDigest(
    tx: Transaction,
    entityRef: string,
    version: string,
    digest: string,
  ) {
    await tx('gantry_releases')
      .where({ entity_ref: entityRef, version })
      .update({ image_digest: digest });
  }

  async findDuplicate(
    tx: Knex,
    key: { entityRef: string; version: string; format: string; sha256: string },
  ): Promise<EvidenceRecord | undefined> {
    const r = await tx('gantry_evidence')
      .where({
        entity_ref: key.entityRef,
        version: key.version,
        format: key.format,
        sha256: key.sha256,
      })
      .first(EVIDENCE_COLUMNS);
    return r && toEvidence(r);
  }

  async storedBytes(tx: Transaction, entityRef: string) {
    const row = await tx('gantry_evidence')
      .where({ entity_ref: entityRef })
      .sum({ total: 'size_bytes' })
      .first();
    return Number(row?.total ?? 0);
  }

  async insertEvidence(
    tx: Transaction,
    rec: EvidenceRecord,
    content: Buffer,
    vulnerabilities: VulnerabilityRow[],
  ) {
    await tx('gantry_evidence').insert({
      id: rec.id,
      entity_ref: rec.entityRef,
      version: rec.version,
      format: rec.format,
      sha256: rec.sha256,
      size_bytes: rec.sizeBytes,
      content,
      summary: JSON.stringify(rec.summary),
      uploaded_by: rec.uploadedBy,
      uploaded_at: rec.uploadedAt,
    });
    for (let i = 0; i < vulnerabilities.length; i += INSERT_CHUNK) {
      await tx('gantry_evidence_vulnerabilities').insert(
        vulnerabilities.slice(i, i + INSERT_CHUNK).map(v => ({
          evidence_id: rec.id,
          entity_ref: rec.entityRef,
          version: rec.version,
          vulnerability_id: v.id,
          severity: v.severity,
          fixable: v.fixable,
          score: v.score ?? null,
        })),
      );
    }
  }

  async matchingVulnerabilities(
    entityRef: string,
    version: string,
    match: VulnerabilityMatch,
  ): Promise<Array<{ id: string; severity: string }>> {
    const { fixableSeverities, anySeverities, minScore } = match;
    if (
      !fixableSeverities.length &&
      !anySeverities.length &&
      minScore === undefined
    )
      return [];
    const rows: Array<{ vulnerability_id: string; severity: string }> =
      await this.db('gantry_evidence_vulnerabilities')
        .where({ entity_ref: entityRef, version })
        .andWhere(q => {
          if (fixableSeverities.length)
            q.orWhere(w =>
              w
                .whereIn('severity', fixableSeverities)
                .andWhere('fixable', true),
            );
          if (anySeverities.length) q.orWhereIn('severity', anySeverities);
          if (minScore !== undefined) q.orWhere('score', '>=', minScore);
        })
        .distinct('vulnerability_id', 'severity');
    const rank = (s: string) => {
      const i = SEVERITY_ORDER.indexOf(s);
      return i < 0 ? SEVERITY_ORDER.length : i;
    };
    const worst = new Map<string, string>();
    for (const r of rows) {
      const seen = worst.get(r.vulnerability_id);
      if (seen === undefined || rank(r.severity) < rank(seen))
        worst.set(r.vulnerability_id, r.severity);
    }
    return [...worst]
      .map(([id, severity]) => ({ id, severity }))
      .sort(
        (a, b) =>
          rank(a.severity) - rank(b.severity) ||
          Number(a.id > b.id) - Number(a.id < b.id),
      );
  }

  async listReleases(
    entityRef: string,
    limit: number,
  ): Promise<ReleaseRecord[]> {
    const rels: ReleaseRow[] = await this.db('gantry_releases')
      .where({ entity_ref: entityRef })
      .orderBy('created_at', 'desc')
      .limit(limit);
    if (rels.length === 0) return [];
    const ev: EvidenceRow[] = await this.db('gantry_evidence')
      .where({ entity_ref: entityRef })
      .whereIn(
        'version',
        rels.map(r => r.version),
      )
      .orderBy('uploaded_at', 'asc')
      .select(EVIDENCE_COLUMNS);
    return rels.map(r => ({
      entityRef: r.entity_ref,
      version: r.version,
      commit: r.commit_sha,
      imageDigest: r.image_digest ?? undefined,
      createdAt: r.created_at,
      evidence: ev.filter(e => e.version === r.version).map(toEvidence),
    }));
  }

  async evidenceFor(
    entityRef: string,
    version: string,
  ): Promise<EvidenceRecord[]> {
    const ev: EvidenceRow[] = await this.db('gantry_evidence')
      .where({ entity_ref: entityRef, version })
      .orderBy('uploaded_at', 'asc')
      .select(EVIDENCE_COLUMNS);
    return ev.map(toEvidence);
  }

  async content(
    id: string,
  ): Promise<{ record: EvidenceRecord; content: Buffer } | undefined> {
    const r = await this.db('gantry_evidence')
      .where({ id })
      .first([...EVIDENCE_COLUMNS, 'content']);
    return r && { record: toEvidence(r), content: Buffer.from(r.content) };
  }
}
