import type { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import type {
  DeploymentsView,
  IncidentDetail,
  IncidentRemedy,
} from '@gantry/plugin-gantry-common';
import type { PipelineReader } from '../kernel/ports';
import type { RemedyProvider } from '../kernel/remedy';
import { escalationPolicy } from './escalation';
import type { IncidentQueries } from './IncidentQueries';
import type { IncidentStore } from './IncidentStore';

/** A remedy named by its kind and target, as the UI sends it back. */
type RemedyRequest = DistributiveOmit<IncidentRemedy, 'label'>;
type DistributiveOmit<T, K extends keyof any> = T extends any
  ? Omit<T, K>
  : never;

function sameRemedy(r: IncidentRemedy, q: RemedyRequest): boolean {
  const { label: _label, ...target } = r;
  return (
    Object.keys(target).length === Object.keys(q).length &&
    Object.entries(target).every(([k, v]) => (q as any)[k] === v)
  );
}

/**
 * The remedies of an incident: what the registered providers offer now, worked out from
 * the live pipeline (read once per request), in the order the providers were given; and
 * applying one through the provider that offered it.
 */
export class IncidentRemedies {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      queries: Pick<IncidentQueries, 'get'>;
      pipeline: PipelineReader;
      providers: RemedyProvider[];
      correlationWindowMs: number;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** The incident with the remedies that apply now and who is told about it. */
  async detail(
    entity: Entity,
    entityRef: string,
    id: string,
  ): Promise<IncidentDetail> {
    return (await this.offered(entity, entityRef, id)).detail;
  }

  private async offered(entity: Entity, entityRef: string, id: string) {
    const incident = await this.deps.queries.get(id, entityRef);
    const errors: string[] = [];
    const remedies: IncidentRemedy[] = [];
    const offeredBy = new Map<IncidentRemedy, RemedyProvider>();
    const { suspect } = incident;
    if (suspect && incident.status !== 'resolved') {
      let view: Promise<DeploymentsView> | undefined;
      const pipeline = () =>
        (view ??= this.deps.pipeline.forEntity(entity, entityRef).then(v => {
          errors.push(...v.errors.map(e => `${e.source}: ${e.message}`));
          return v;
        }));
      const window = {
        from: new Date(
          Date.parse(incident.startedAt) - this.deps.correlationWindowMs,
        ).toISOString(),
        to: incident.startedAt,
      };
      for (const provider of this.deps.providers) {
        const offer = await provider.offer({
          entity,
          entityRef,
          incident,
          suspect,
          window,
          pipeline,
        });
        for (const r of offer.remedies) {
          remedies.push(r);
          offeredBy.set(r, provider);
        }
        errors.push(...offer.errors);
      }
    }
    const policy = escalationPolicy(entity);
    const detail: IncidentDetail = {
      ...incident,
      remedies,
      owners: [policy.owner, ...policy.levels].filter(Boolean) as string[],
      errors,
    };
    return { detail, offeredBy };
  }

  /** Applies one remedy through the provider that offered it (the Delivery tab's action). */
  async applyRemedy(input: {
    entity: Entity;
    entityRef: string;
    id: string;
    /** What the caller saw offered; applied only if it still applies. */
    requested: RemedyRequest;
    actor: string;
  }) {
    const { entity, entityRef, actor } = input;
    const { detail: incident, offeredBy } = await this.offered(
      entity,
      entityRef,
      input.id,
    );
    if (incident.status === 'resolved')
      throw new ConflictError(
        `Incident ${incident.id} is resolved; make further changes from the Delivery tab.`,
      );
    const remedy = incident.remedies.find(r => sameRemedy(r, input.requested));
    if (!remedy)
      throw new ConflictError(
        `That remedy no longer applies to incident ${
          incident.id
        }. Reload the incident to see the remedies that do: ${
          incident.remedies.map(r => r.label).join('; ') || 'none'
        }.`,
      );
    const result = await offeredBy
      .get(remedy)!
      .apply(remedy, { entity, entityRef, incident, actor });
    const at = this.now().toISOString();
    const { store } = this.deps;
    await store.transaction(tx =>
      store.update(
        incident.id,
        {},
        [{ at, kind: 'remedy', text: remedy.label, actor }],
        tx,
      ),
    );
    return { remedy: remedy.kind, result };
  }
}
