import type {
  PromotionRequest,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';

/** A release with its evidence; throws NotFoundError when none is recorded (evidence provides it). */
export interface ReleaseEvidence {
  getRelease(entityRef: string, version: string): Promise<ReleaseRecord>;
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
