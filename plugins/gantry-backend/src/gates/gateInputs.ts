import type { Entity } from '@backstage/catalog-model';
import type {
  PersonalDataDeclaration,
  PromotionRequest,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';

/** A release with its evidence; throws NotFoundError when none is recorded (evidence provides it). */
export interface ReleaseEvidence {
  getRelease(entityRef: string, version: string): Promise<ReleaseRecord>;
  /** The entity's newest releases with their evidence, newest first. */
  listReleases(entityRef: string, limit?: number): Promise<ReleaseRecord[]>;
  /**
   * Distinct ids (most severe severity each) of ALL the release's vulnerabilities that
   * are of `fixableSeverities` with a fix, of `anySeverities`, or scored at least
   * `minScore` (SARIF security-severity); most severe first, never capped.
   */
  matchingVulnerabilities(
    entityRef: string,
    version: string,
    match: {
      fixableSeverities: string[];
      anySeverities: string[];
      minScore?: number;
    },
  ): Promise<Array<{ id: string; severity: string }>>;
}

/** Which environments need approval and where a release's requests stand (approvals provide it). */
export interface ApprovalStates {
  needsApproval(environment: string): boolean;
  approvalState(
    entityRef: string,
    version: string,
    environment: string,
  ): Promise<{
    approved?: PromotionRequest;
    emergency?: PromotionRequest;
    latest?: PromotionRequest;
  }>;
}

/** What an entity declares about the personal data it processes (privacy provides it). */
export interface PersonalDataDeclarations {
  declarationOf(
    entity: Entity,
  ):
    | { status: 'none' }
    | { status: 'declared'; declaration: PersonalDataDeclaration }
    | { status: 'invalid'; reason: string };
}
