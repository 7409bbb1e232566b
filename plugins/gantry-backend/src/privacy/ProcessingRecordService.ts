import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ProcessingRecord } from '@gantry/plugin-gantry-common';
import { personalDataOf } from './personalDataDeclaration';

const systemOf = (e: Entity): string | undefined => {
  const rel = e.relations?.find(r => r.type === 'partOf')?.targetRef;
  if (rel?.startsWith('system:')) return rel;
  const spec = e.spec?.system;
  return typeof spec === 'string'
    ? stringifyEntityRef(
        parseEntityRef(spec, {
          defaultKind: 'system',
          defaultNamespace: e.metadata.namespace ?? 'default',
        }),
      )
    : undefined;
};

const ownerOf = (e: Entity): string | undefined =>
  e.relations?.find(r => r.type === 'ownedBy')?.targetRef ??
  (typeof e.spec?.owner === 'string' ? e.spec.owner : undefined);

/** The GDPR Art. 30 record of processing activities from the Components' declarations. */
export class ProcessingRecordService {
  constructor(
    private readonly deps: { catalog: CatalogService; now?: () => Date },
  ) {}

  /** For one System (its entity ref) or, without one, every Component the caller may see. */
  async build(
    credentials: BackstageCredentials,
    systemRef?: string,
  ): Promise<ProcessingRecord> {
    const { items } = await this.deps.catalog.getEntities(
      { filter: { kind: 'Component' } },
      { credentials },
    );
    const record: ProcessingRecord = {
      scope: systemRef ?? 'catalog',
      generatedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      activities: [],
      invalid: [],
      undeclared: [],
    };
    const entities = items
      .filter(e => !systemRef || systemOf(e) === systemRef)
      .map(e => ({ e, entityRef: stringifyEntityRef(e) }))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    for (const { e, entityRef } of entities) {
      const about = { entityRef, system: systemOf(e), owner: ownerOf(e) };
      const d = personalDataOf(e);
      if (d.status === 'none') record.undeclared.push(entityRef);
      else if (d.status === 'invalid')
        record.invalid.push({ ...about, reason: d.reason });
      else record.activities.push({ ...about, ...d.declaration });
    }
    return record;
  }
}
