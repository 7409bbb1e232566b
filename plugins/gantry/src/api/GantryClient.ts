import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ComplianceReport,
  DeploymentsView,
  EntityOverview,
  GateVerdict,
  PromotionRequest,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';
import type { GantryApi } from './GantryApi';

const e = encodeURIComponent;
const entityPath = (ref: CompoundEntityRef) =>
  `/entities/${e(ref.namespace)}/${e(ref.kind)}/${e(ref.name)}`;

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
    if (!res.ok) throw await ResponseError.fromResponse(res);
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

  argocdAction(
    ref: CompoundEntityRef,
    app: { instance: string; name: string },
    action: 'sync' | 'refresh' | 'rollback',
    historyId?: number,
  ) {
    return this.call<{ action: string; application: string }>(
      `${entityPath(ref)}/argocd/${e(app.instance)}/applications/${e(
        app.name,
      )}/${action}`,
      {
        method: 'POST',
        body: historyId === undefined ? {} : { id: historyId },
      },
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
}
