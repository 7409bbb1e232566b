import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AuditService } from '../kernel/audit/AuditService';
import type {
  IncidentStatus,
  OnCallIncidents,
} from '@gantry/plugin-gantry-common';
import type { IncidentStore, StoredIncident } from './IncidentStore';

/** The on-call page shows at most this many incidents, the newest first. */
export const ON_CALL_LIMIT = 200;

/** Incidents as people read them (per entity, on call) and acknowledge them. */
export class IncidentQueries {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      audit: AuditService;
      catalog: CatalogService;
      userInfo: UserInfoService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** The incident, if it is one of the entity's; 404 otherwise. */
  async get(id: string, entityRef: string): Promise<StoredIncident> {
    const incident = await this.deps.store.get(id);
    if (!incident || incident.entityRef !== entityRef)
      throw new NotFoundError(`No incident ${id} on ${entityRef}.`);
    return incident;
  }

  async listForEntity(entityRef: string) {
    return this.deps.store.list({ entityRefs: [entityRef], limit: 50 });
  }

  /**
   * Open incidents across the entities the caller owns, for the on-call page: the newest
   * `limit`, with how many there are in all so the page can say what it leaves out.
   */
  async listOwned(
    credentials: BackstageCredentials,
    limit = ON_CALL_LIMIT,
  ): Promise<OnCallIncidents> {
    const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
      credentials,
    );
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { 'relations.ownedBy': ownershipEntityRefs },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    if (items.length === 0) return { items: [], total: 0, truncated: false };
    const q = {
      entityRefs: items.map(e => stringifyEntityRef(e)),
      statuses: ['open', 'acknowledged'] satisfies IncidentStatus[],
    };
    const incidents = await this.deps.store.list({ ...q, limit });
    const total =
      incidents.length < limit
        ? incidents.length
        : await this.deps.store.count(q);
    return { items: incidents, total, truncated: total > incidents.length };
  }

  /** Stops the escalation: somebody is on it. Acknowledging twice changes nothing. */
  async acknowledge(id: string, entityRef: string, actor: string) {
    const { store } = this.deps;
    const incident = await this.get(id, entityRef);
    if (incident.status !== 'open') return incident;
    const at = this.now().toISOString();
    await store.transaction(async tx => {
      await store.update(
        id,
        { status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: actor },
        [{ at, kind: 'acknowledged', text: 'Acknowledged', actor }],
        tx,
      );
      await this.deps.audit.record(
        {
          actor,
          action: 'incident.acknowledge',
          entityRef,
          details: { incident: id },
        },
        tx,
      );
    });
    return (await store.get(id))!;
  }
}
