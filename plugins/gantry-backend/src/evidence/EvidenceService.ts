import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  EvidenceFormat,
  EvidenceRecord,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { EvidenceStore, VulnerabilityMatch } from './EvidenceStore';
import { EvidenceQuotaError } from './EvidenceQuotaError';
import { parseUpload, type ParseOptions } from './parsers';

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
/** gantry.limits.evidenceStorage.megabytesPerEntity when unset. */
export const DEFAULT_EVIDENCE_MEGABYTES_PER_ENTITY = 1024;

export function readEvidenceQuota(config: Config): number {
  const mb =
    config.getOptionalNumber(
      'gantry.limits.evidenceStorage.megabytesPerEntity',
    ) ?? DEFAULT_EVIDENCE_MEGABYTES_PER_ENTITY;
  if (!(mb > 0)) {
    throw new Error(
      `gantry.limits.evidenceStorage.megabytesPerEntity must be a number above 0, got ${mb}`,
    );
  }
  return mb;
}

interface UploadInput {
  entityRef: string;
  version: string;
  commit?: string;
  imageDigest?: string;
  format: EvidenceFormat;
  content: Buffer;
  actor: string;
}

/**
 * Stores CI evidence per release: validates and summarises the document, keeps the
 * original bytes with their sha256, and audits the upload, all in one transaction.
 */
export class EvidenceService {
  constructor(
    private readonly store: EvidenceStore,
    private readonly audit: AuditService,
    private readonly now: () => Date = () => new Date(),
    /** The trust uploaded signatures are checked against (none: all unverified). */
    private readonly parseOptions: ParseOptions = {},
    private readonly megabytesPerEntity = DEFAULT_EVIDENCE_MEGABYTES_PER_ENTITY,
  ) {}

  async upload(
    input: UploadInput,
  ): Promise<{ record: EvidenceRecord; created: boolean }> {
    if (input.content.length === 0) {
      throw new InputError(
        `The ${input.format} upload is empty; send the file as the request body.`,
      );
    }
    if (input.content.length > MAX_EVIDENCE_BYTES) {
      throw new InputError(
        `The ${input.format} upload is ${input.content.length} bytes; the limit is ${MAX_EVIDENCE_BYTES} bytes per file.`,
      );
    }
    // Parse before opening the transaction: invalid documents never touch the database.
    const { summary, vulnerabilities } = await parseUpload(
      input.format,
      input.content,
      this.parseOptions,
    );
    const sha256 = createHash('sha256').update(input.content).digest('hex');

    return this.store.transaction(async tx => {
      const release = await this.store.getRelease(
        input.entityRef,
        input.version,
        tx,
      );
      if (!release) {
        if (!input.commit) {
          throw new InputError(
            `Release ${input.version} of ${input.entityRef} is new: pass the commit it was built from as ?commit=<sha>.`,
          );
        }
        await this.store.insertRelease(tx, {
          entityRef: input.entityRef,
          version: input.version,
          commit: input.commit,
          imageDigest: input.imageDigest,
          createdAt: this.now().toISOString(),
        });
      } else {
        if (
          input.commit &&
          !release.commit.startsWith(input.commit) &&
          !input.commit.startsWith(release.commit)
        ) {
          throw new ConflictError(
            `Release ${input.version} of ${input.entityRef} was recorded for commit ${release.commit}, not ${input.commit}. Use a new version for a new commit.`,
          );
        }
        if (
          input.imageDigest &&
          release.imageDigest &&
          release.imageDigest !== input.imageDigest
        ) {
          throw new ConflictError(
            `Release ${input.version} of ${input.entityRef} is recorded with image ${release.imageDigest}, not ${input.imageDigest}.`,
          );
        }
        if (input.imageDigest && !release.imageDigest) {
          await this.store.setImageDigest(
            tx,
            input.entityRef,
            input.version,
            input.imageDigest,
          );
        }
      }
      const duplicate = await this.store.findDuplicate(tx, {
        ...input,
        sha256,
      });
      if (duplicate) return { record: duplicate, created: false };
      const stored = await this.store.storedBytes(tx, input.entityRef);
      if (stored + input.content.length > this.megabytesPerEntity * 1048576) {
        throw new EvidenceQuotaError(
          input.entityRef,
          stored,
          input.content.length,
          this.megabytesPerEntity,
        );
      }

      const record: EvidenceRecord = {
        id: randomUUID(),
        entityRef: input.entityRef,
        version: input.version,
        format: input.format,
        sha256,
        sizeBytes: input.content.length,
        uploadedBy: input.actor,
        uploadedAt: this.now().toISOString(),
        summary,
      };
      await this.store.insertEvidence(
        tx,
        record,
        input.content,
        vulnerabilities,
      );
      await this.audit.record(
        {
          actor: input.actor,
          action: 'evidence.upload',
          entityRef: input.entityRef,
          details: {
            version: input.version,
            format: input.format,
            evidenceId: record.id,
            sha256,
            headline: summary.headline,
          },
        },
        tx,
      );
      return { record, created: true };
    });
  }

  listReleases(entityRef: string, limit = 50): Promise<ReleaseRecord[]> {
    return this.store.listReleases(entityRef, limit);
  }

  async getRelease(entityRef: string, version: string): Promise<ReleaseRecord> {
    const release = await this.store.getRelease(entityRef, version);
    if (!release) {
      throw new NotFoundError(
        `No release ${version} of ${entityRef}. Releases are created by the first evidence upload.`,
      );
    }
    return {
      ...release,
      evidence: await this.store.evidenceFor(entityRef, version),
    };
  }

  /** Every vulnerability of the release's evidence that matches, counted by the store (no cap). */
  matchingVulnerabilities(
    entityRef: string,
    version: string,
    match: VulnerabilityMatch,
  ) {
    return this.store.matchingVulnerabilities(entityRef, version, match);
  }

  async content(id: string) {
    const found = await this.store.content(id);
    if (!found) throw new NotFoundError(`No evidence with id ${id}.`);
    return found;
  }
}
