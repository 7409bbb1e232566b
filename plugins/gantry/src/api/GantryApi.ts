import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ArgoCdActionBody,
  ArgoCdActionName,
  ArgoCdActionResult,
  RollbackMigrationCheck,
  CanaryAnalysis,
  ComplianceReport,
  DeploymentHistoryPage,
  DeploymentsView,
  DoraPeriod,
  DoraView,
  RolloutAttentionView,
  Incident,
  IncidentDetail,
  IncidentRemedy,
  EntityOverview,
  EntitySlos,
  EntityCapacity,
  FeatureFlag,
  FlagChangeRequest,
  FlagCleanupReport,
  FlagClientKey,
  FlagClientKeyWithSecret,
  FlagHistoryEntry,
  FlagInput,
  FlagSaveResult,
  FlagSegment,
  FlagUsage,
  FlagExperiment,
  FlagExperimentConfig,
  FlagExperimentResults,
  FlagWriteResult,
  GateVerdict,
  PromotionRequest,
  GitopsChange,
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
  /** The pull requests / commits approved promotions made in the GitOps repository. */
  listGitopsChanges(ref: CompoundEntityRef): Promise<GitopsChange[]>;
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
  getDeploymentHistory(
    ref: CompoundEntityRef,
    query?: { environment?: string; before?: string; limit?: number },
  ): Promise<DeploymentHistoryPage>;
  getDora(
    ref: CompoundEntityRef,
    environment: string,
    period: DoraPeriod,
  ): Promise<DoraView>;
  getRolloutAttention(scope: 'owned' | 'all'): Promise<RolloutAttentionView>;
  listIncidents(ref: CompoundEntityRef): Promise<{ items: Incident[] }>;
  getIncident(ref: CompoundEntityRef, id: string): Promise<IncidentDetail>;
  acknowledgeIncident(ref: CompoundEntityRef, id: string): Promise<Incident>;
  applyRemedy(
    ref: CompoundEntityRef,
    id: string,
    remedy: IncidentRemedy,
  ): Promise<{ remedy: string }>;
  listOnCallIncidents(): Promise<{
    items: Incident[];
    total?: number;
    truncated?: boolean;
  }>;
  /** The entity's canary analyses, newest first. */
  listCanaryAnalyses(
    ref: CompoundEntityRef,
    limit?: number,
  ): Promise<CanaryAnalysis[]>;
  rolloutAction(
    ref: CompoundEntityRef,
    rollout: { cluster: string; namespace: string; name: string },
    action: 'promote' | 'promote-full' | 'abort' | 'retry',
  ): Promise<{ action: string; patches: number; environment?: string }>;
  argocdAction(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    action: ArgoCdActionName,
    body?: ArgoCdActionBody,
  ): Promise<ArgoCdActionResult>;
  /** What rolling the application back to history entry `id` does to its database schema. */
  argocdRollbackCheck(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    id: number,
  ): Promise<RollbackMigrationCheck>;
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
  listFlags(ref: CompoundEntityRef): Promise<FeatureFlag[]>;
  /** Creates (baseVersion null) or edits a flag; a stale edit resolves with status 'stale'. */
  saveFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    body: { flag: FlagInput; baseVersion: number | null; reason: string },
  ): Promise<FlagSaveResult>;
  killFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    reason: string,
  ): Promise<{ flag: FeatureFlag; change: FlagChangeRequest }>;
  /** Lifts the kill switch (applied, or pending approval in approval environments). */
  restoreFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    body: { baseVersion: number; reason: string },
  ): Promise<FlagWriteResult>;
  listFlagChanges(ref: CompoundEntityRef): Promise<FlagChangeRequest[]>;
  /** Flag changes and kill reviews across entities that the signed-in user may decide. */
  listAwaitingFlagChanges(): Promise<FlagChangeRequest[]>;
  decideFlagChange(
    ref: CompoundEntityRef,
    id: string,
    decision: 'approve' | 'reject',
    comment?: string,
  ): Promise<FlagChangeRequest>;
  reviewFlagKill(
    ref: CompoundEntityRef,
    id: string,
    comment: string,
  ): Promise<FlagChangeRequest>;
  getFlagCleanupReport(ref: CompoundEntityRef): Promise<FlagCleanupReport>;
  getFlagHistory(ref: CompoundEntityRef): Promise<FlagHistoryEntry[]>;
  getFlagUsage(
    ref: CompoundEntityRef,
    environment: string,
    hours: number,
  ): Promise<FlagUsage>;
  /** Results of the experiment on a flag; undefined when none is configured. */
  getFlagExperiment(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
  ): Promise<FlagExperimentResults | undefined>;
  configureFlagExperiment(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    config: Partial<FlagExperimentConfig> &
      Pick<
        FlagExperimentConfig,
        'conversionEvent' | 'controlVariant' | 'minimumDetectableEffect'
      >,
  ): Promise<FlagExperiment>;
  /** Serves the winner to everyone; pending where the environment needs approval. */
  rolloutFlagExperimentWinner(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    reason: string,
  ): Promise<FlagWriteResult>;
  listFlagSegments(ref: CompoundEntityRef): Promise<FlagSegment[]>;
  /** Creates (baseVersion null) or edits a segment; a stale edit resolves with status 'stale'. */
  saveFlagSegment(
    ref: CompoundEntityRef,
    environment: string,
    name: string,
    body: {
      segment: { rule: Record<string, unknown>; description?: string };
      baseVersion: number | null;
      reason: string;
    },
  ): Promise<FlagSaveResult>;
  listFlagClientKeys(ref: CompoundEntityRef): Promise<FlagClientKey[]>;
  createFlagClientKey(
    ref: CompoundEntityRef,
    environment: string,
    name: string,
  ): Promise<FlagClientKeyWithSecret>;
  rotateFlagClientKey(
    ref: CompoundEntityRef,
    id: string,
  ): Promise<FlagClientKeyWithSecret>;
  revokeFlagClientKey(ref: CompoundEntityRef, id: string): Promise<void>;
  /** Error budgets, burn rates and alert status of the entity's SLOs. */
  getSlos(ref: CompoundEntityRef): Promise<EntitySlos>;
  /** The Prometheus rules generated from the entity's SLO spec (YAML). */
  getSloRules(
    ref: CompoundEntityRef,
    format: 'rules' | 'prometheusrule',
  ): Promise<string>;
  /** CPU, memory and HPA headroom per environment, with forecasts. */
  getCapacity(ref: CompoundEntityRef): Promise<EntityCapacity>;
}

export const gantryApiRef = createApiRef<GantryApi>({
  id: 'plugin.gantry.api',
});
