import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AuditService } from '../kernel/audit/AuditService';
import type { IncidentStore, StoredIncident } from './IncidentStore';

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

  /** Open incidents across the entities the caller owns, for the on-call page. */
  async listOwned(credentials: BackstageCredentials) {
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
    if (items.length === 0) return [];
    return this.deps.store.list({
      entityRefs: items.map(e => stringifyEntityRef(e)),
      statuses: ['open', 'acknowledged'],
      limit: 200,
    });
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
