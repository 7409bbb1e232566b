import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
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
  FlagExperimentResponse,
  FlagExperimentResults,
  FlagWriteResult,
  GateVerdict,
  PromotionRequest,
  GitopsChange,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { GantryApi } from './GantryApi';

const e = encodeURIComponent;
const entityPath = (ref: CompoundEntityRef) =>
  `/entities/${e(ref.namespace)}/${e(ref.kind)}/${e(ref.name)}`;

/**
 * ResponseError's own message is "Request failed with 400 Bad Request"; dialogs show
 * the message, so it becomes the backend's sentence that says what to fix.
 */
async function responseError(res: Response): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(res);
  const said = error.body?.error?.message;
  if (said) error.message = said;
  return error;
}

/** Talks to /api/gantry only; credentials for Argo CD and Prometheus stay server-side. */
export class GantryClient implements GantryApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async call<T>(
    path: string,
    init?: { method: string; body?: unknown },
  ): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('gantry');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`, {
      method: init?.method ?? 'GET',
      headers:
        init?.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!res.ok) throw await responseError(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  getOverview(ref: CompoundEntityRef): Promise<EntityOverview> {
    return this.call(`${entityPath(ref)}/overview`);
  }

  async listReleases(ref: CompoundEntityRef): Promise<ReleaseRecord[]> {
    return (
      await this.call<{ items: ReleaseRecord[] }>(`${entityPath(ref)}/releases`)
    ).items;
  }

  getGate(
    ref: CompoundEntityRef,
    version: string,
    environment: string,
  ): Promise<GateVerdict> {
    return this.call(
      `${entityPath(ref)}/releases/${e(version)}/gates/${e(environment)}`,
    );
  }

  async listPromotions(ref: CompoundEntityRef): Promise<PromotionRequest[]> {
    return (
      await this.call<{ items: PromotionRequest[] }>(
        `${entityPath(ref)}/promotions`,
      )
    ).items;
  }

  async listGitopsChanges(ref: CompoundEntityRef): Promise<GitopsChange[]> {
    return (
      await this.call<{ items: GitopsChange[] }>(
        `${entityPath(ref)}/gitops-changes`,
      )
    ).items;
  }

  requestPromotion(
    ref: CompoundEntityRef,
    version: string,
    body: { environment: string; reason: string; emergency?: boolean },
  ): Promise<PromotionRequest> {
    return this.call(`${entityPath(ref)}/releases/${e(version)}/promotions`, {
      method: 'POST',
      body,
    });
  }

  async listAwaitingApprovals(): Promise<PromotionRequest[]> {
    return (
      await this.call<{ items: PromotionRequest[] }>('/promotions/awaiting')
    ).items;
  }

  decide(
    id: string,
    decision: 'approve' | 'reject',
    comment?: string,
  ): Promise<PromotionRequest> {
    return this.call(`/promotions/${e(id)}/decision`, {
      method: 'POST',
      body: { decision, comment },
    });
  }

  review(id: string, comment: string): Promise<PromotionRequest> {
    return this.call(`/promotions/${e(id)}/review`, {
      method: 'POST',
      body: { comment },
    });
  }

  getDeployments(ref: CompoundEntityRef): Promise<DeploymentsView> {
    return this.call(`${entityPath(ref)}/deployments`);
  }

  getDeploymentHistory(
    ref: CompoundEntityRef,
    query: { environment?: string; before?: string; limit?: number } = {},
  ): Promise<DeploymentHistoryPage> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) q.set(k, String(v));
    return this.call(`${entityPath(ref)}/deployments/history?${q}`);
  }

  getDora(
    ref: CompoundEntityRef,
    environment: string,
    period: DoraPeriod,
  ): Promise<DoraView> {
    return this.call(
      `${entityPath(ref)}/dora?${new URLSearchParams({ environment, period })}`,
    );
  }

  getRolloutAttention(scope: 'owned' | 'all'): Promise<RolloutAttentionView> {
    return this.call(`/rollouts/attention?scope=${scope}`);
  }

  listIncidents(ref: CompoundEntityRef): Promise<{ items: Incident[] }> {
    return this.call(`${entityPath(ref)}/incidents`);
  }

  getIncident(ref: CompoundEntityRef, id: string): Promise<IncidentDetail> {
    return this.call(`${entityPath(ref)}/incidents/${e(id)}`);
  }

  acknowledgeIncident(ref: CompoundEntityRef, id: string): Promise<Incident> {
    return this.call(`${entityPath(ref)}/incidents/${e(id)}/acknowledge`, {
      method: 'POST',
    });
  }

  applyRemedy(ref: CompoundEntityRef, id: string, remedy: IncidentRemedy) {
    const { label: _label, ...target } = remedy;
    return this.call<{ remedy: string }>(
      `${entityPath(ref)}/incidents/${e(id)}/remedies`,
      { method: 'POST', body: target },
    );
  }

  listOnCallIncidents(): Promise<{
    items: Incident[];
    total?: number;
    truncated?: boolean;
  }> {
    return this.call('/incidents/on-call');
  }

  async listCanaryAnalyses(
    ref: CompoundEntityRef,
    limit = 20,
  ): Promise<CanaryAnalysis[]> {
    return (
      await this.call<{ items: CanaryAnalysis[] }>(
        `${entityPath(ref)}/canary/analyses?limit=${limit}`,
      )
    ).items;
  }

  rolloutAction(
    ref: CompoundEntityRef,
    rollout: { cluster: string; namespace: string; name: string },
    action: 'promote' | 'promote-full' | 'abort' | 'retry',
  ) {
    return this.call<{ action: string; patches: number; environment?: string }>(
      `${entityPath(ref)}/rollouts/${e(rollout.cluster)}/${e(
        rollout.namespace,
      )}/${e(rollout.name)}/${action}`,
      { method: 'POST', body: {} },
    );
  }

  argocdRollbackCheck(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    id: number,
  ) {
    return this.call<RollbackMigrationCheck>(
      `${entityPath(ref)}/argocd/${e(app.instance)}/applications/${e(
        app.name,
      )}/rollback-check?id=${id}`,
    );
  }

  argocdAction(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    action: ArgoCdActionName,
    body: ArgoCdActionBody = {},
  ) {
    return this.call<ArgoCdActionResult>(
      `${entityPath(ref)}/argocd/${e(app.instance)}/applications/${e(
        app.name,
      )}/${action}`,
      { method: 'POST', body },
    );
  }

  getComplianceReport(
    ref: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ComplianceReport> {
    return this.call(
      `${entityPath(ref)}/compliance-report?from=${e(from)}&to=${e(
        to,
      )}&format=json`,
    );
  }

  async complianceReportUrl(
    ref: CompoundEntityRef,
    from: string,
    to: string,
    format: 'json' | 'csv',
  ) {
    const base = await this.deps.discoveryApi.getBaseUrl('gantry');
    return `${base}${entityPath(ref)}/compliance-report?from=${e(from)}&to=${e(
      to,
    )}&format=${format}`;
  }

  async listFlags(ref: CompoundEntityRef): Promise<FeatureFlag[]> {
    return (
      await this.call<{ items: FeatureFlag[] }>(`${entityPath(ref)}/flags`)
    ).items;
  }

  saveFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    body: { flag: FlagInput; baseVersion: number | null; reason: string },
  ): Promise<FlagSaveResult> {
    return this.putVersioned(
      `${entityPath(ref)}/flags/${e(environment)}/${e(key)}`,
      body,
    );
  }

  async listFlagSegments(ref: CompoundEntityRef): Promise<FlagSegment[]> {
    return (
      await this.call<{ items: FlagSegment[] }>(
        `${entityPath(ref)}/flag-segments`,
      )
    ).items;
  }

  saveFlagSegment(
    ref: CompoundEntityRef,
    environment: string,
    name: string,
    body: {
      segment: { rule: Record<string, unknown>; description?: string };
      baseVersion: number | null;
      reason: string;
    },
  ): Promise<FlagSaveResult> {
    return this.putVersioned(
      `${entityPath(ref)}/flag-segments/${e(environment)}/${e(name)}`,
      body,
    );
  }

  /** A PUT that carries a version; 412 (stale) comes back as a result, not an error. */
  private async putVersioned(
    path: string,
    body: unknown,
  ): Promise<FlagSaveResult> {
    try {
      return await this.call<FlagSaveResult>(path, { method: 'PUT', body });
    } catch (err) {
      if (err instanceof ResponseError && err.response.status === 412) {
        const stale = err.body as unknown as {
          error: { message: string };
          current: FeatureFlag | FlagSegment | null;
        };
        return {
          status: 'stale',
          message: stale.error.message,
          current: stale.current,
        };
      }
      throw err;
    }
  }

  killFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    reason: string,
  ) {
    return this.call<{ flag: FeatureFlag; change: FlagChangeRequest }>(
      `${entityPath(ref)}/flags/${e(environment)}/${e(key)}/kill`,
      { method: 'POST', body: { reason } },
    );
  }

  restoreFlag(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    body: { baseVersion: number; reason: string },
  ): Promise<FlagWriteResult> {
    return this.call<FlagWriteResult>(
      `${entityPath(ref)}/flags/${e(environment)}/${e(key)}/restore`,
      { method: 'POST', body },
    );
  }

  async listFlagChanges(ref: CompoundEntityRef): Promise<FlagChangeRequest[]> {
    return (
      await this.call<{ items: FlagChangeRequest[] }>(
        `${entityPath(ref)}/flag-changes`,
      )
    ).items;
  }

  async listAwaitingFlagChanges(): Promise<FlagChangeRequest[]> {
    return (
      await this.call<{ items: FlagChangeRequest[] }>('/flag-changes/awaiting')
    ).items;
  }

  decideFlagChange(
    ref: CompoundEntityRef,
    id: string,
    decision: 'approve' | 'reject',
    comment?: string,
  ): Promise<FlagChangeRequest> {
    return this.call(`${entityPath(ref)}/flag-changes/${e(id)}/decision`, {
      method: 'POST',
      body: { decision, comment },
    });
  }

  reviewFlagKill(
    ref: CompoundEntityRef,
    id: string,
    comment: string,
  ): Promise<FlagChangeRequest> {
    return this.call(`${entityPath(ref)}/flag-changes/${e(id)}/review`, {
      method: 'POST',
      body: { comment },
    });
  }

  getFlagCleanupReport(ref: CompoundEntityRef): Promise<FlagCleanupReport> {
    return this.call(`${entityPath(ref)}/flags/cleanup-report`);
  }

  getFlagUsage(
    ref: CompoundEntityRef,
    environment: string,
    hours: number,
  ): Promise<FlagUsage> {
    return this.call(
      `${entityPath(ref)}/flags/usage?${new URLSearchParams({
        environment,
        hours: String(hours),
      })}`,
    );
  }

  async getFlagExperiment(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
  ): Promise<FlagExperimentResults | undefined> {
    const r = await this.call<FlagExperimentResponse>(
      `${entityPath(ref)}/flags/${e(environment)}/${e(key)}/experiment`,
    );
    return r.experiment === null ? undefined : r;
  }

  configureFlagExperiment(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    config: Partial<FlagExperimentConfig>,
  ): Promise<FlagExperiment> {
    return this.call(
      `${entityPath(ref)}/flags/${e(environment)}/${e(key)}/experiment`,
      { method: 'PUT', body: config },
    );
  }

  rolloutFlagExperimentWinner(
    ref: CompoundEntityRef,
    environment: string,
    key: string,
    reason: string,
  ): Promise<FlagWriteResult> {
    return this.call(
      `${entityPath(ref)}/flags/${e(environment)}/${e(
        key,
      )}/experiment/rollout-winner`,
      { method: 'POST', body: { reason } },
    );
  }

  async getFlagHistory(ref: CompoundEntityRef): Promise<FlagHistoryEntry[]> {
    return (
      await this.call<{ items: FlagHistoryEntry[] }>(
        `${entityPath(ref)}/flags/history`,
      )
    ).items;
  }

  async listFlagClientKeys(ref: CompoundEntityRef): Promise<FlagClientKey[]> {
    return (
      await this.call<{ items: FlagClientKey[] }>(
        `${entityPath(ref)}/flag-keys`,
      )
    ).items;
  }

  createFlagClientKey(
    ref: CompoundEntityRef,
    environment: string,
    name: string,
  ): Promise<FlagClientKeyWithSecret> {
    return this.call(`${entityPath(ref)}/flag-keys`, {
      method: 'POST',
      body: { environment, name },
    });
  }

  rotateFlagClientKey(
    ref: CompoundEntityRef,
    id: string,
  ): Promise<FlagClientKeyWithSecret> {
    return this.call(`${entityPath(ref)}/flag-keys/${e(id)}/rotate`, {
      method: 'POST',
      body: {},
    });
  }

  revokeFlagClientKey(ref: CompoundEntityRef, id: string): Promise<void> {
    return this.call(`${entityPath(ref)}/flag-keys/${e(id)}`, {
      method: 'DELETE',
    });
  }

  getSlos(ref: CompoundEntityRef): Promise<EntitySlos> {
    return this.call(`${entityPath(ref)}/slos`);
  }

  async getSloRules(
    ref: CompoundEntityRef,
    format: 'rules' | 'prometheusrule',
  ): Promise<string> {
    const base = await this.deps.discoveryApi.getBaseUrl('gantry');
    const res = await this.deps.fetchApi.fetch(
      `${base}${entityPath(ref)}/slos/rules?format=${format}`,
    );
    if (!res.ok) throw await responseError(res);
    return res.text();
  }

  getCapacity(ref: CompoundEntityRef): Promise<EntityCapacity> {
    return this.call(`${entityPath(ref)}/capacity`);
  }
}
