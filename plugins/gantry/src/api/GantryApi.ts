import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ComplianceReport,
  DeploymentsView,
  EntityOverview,
  GateVerdict,
  PromotionRequest,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';

/** What the Gantry frontend asks of the Gantry backend. */
export interface GantryApi {
  getOverview(ref: CompoundEntityRef): Promise<EntityOverview>;
  listReleases(ref: CompoundEntityRef): Promise<ReleaseRecord[]>;
  getGate(
    ref: CompoundEntityRef,
    version: string,
    environment: string,
  ): Promise<GateVerdict>;
  listPromotions(ref: CompoundEntityRef): Promise<PromotionRequest[]>;
  requestPromotion(
    ref: CompoundEntityRef,
    version: string,
    body: { environment: string; reason: string; emergency?: boolean },
  ): Promise<PromotionRequest>;
  listAwaitingApprovals(): Promise<PromotionRequest[]>;
  decide(
    id: string,
    decision: 'approve' | 'reject',
    comment?: string,
  ): Promise<PromotionRequest>;
  review(id: string, comment: string): Promise<PromotionRequest>;
  getDeployments(ref: CompoundEntityRef): Promise<DeploymentsView>;
  rolloutAction(
    ref: CompoundEntityRef,
    rollout: { cluster: string; namespace: string; name: string },
    action: 'promote' | 'promote-full' | 'abort' | 'retry',
  ): Promise<{ action: string; patches: number; environment?: string }>;
  argocdAction(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    action: 'sync' | 'refresh' | 'rollback',
    historyId?: number,
  ): Promise<{ action: string; application: string }>;
  getComplianceReport(
    ref: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ComplianceReport>;
  /** URL of the compliance report download for an entity and period. */
  complianceReportUrl(
    ref: CompoundEntityRef,
    from: string,
    to: string,
    format: 'json' | 'csv',
  ): Promise<string>;
}

export const gantryApiRef = createApiRef<GantryApi>({
  id: 'plugin.gantry.api',
});
