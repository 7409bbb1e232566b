import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { EntityOverview } from '@gantry/plugin-gantry-common';
import type { GantryApi } from './GantryApi';

/** Talks to /api/gantry only; credentials for Argo CD and Prometheus stay server-side. */
export class GantryClient implements GantryApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async get<T>(path: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('gantry');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }

  getOverview(ref: CompoundEntityRef): Promise<EntityOverview> {
    const e = encodeURIComponent;
    return this.get(
      `/entities/${e(ref.namespace)}/${e(ref.kind)}/${e(ref.name)}/overview`,
    );
  }
}
