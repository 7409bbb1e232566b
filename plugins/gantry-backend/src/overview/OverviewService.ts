import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  annotationStatus,
  type EntityOverview,
} from '@gantry/plugin-gantry-common';
import type { CapabilityCheck } from '@gantry/plugin-gantry-node';

/**
 * Tells, per Gantry capability, whether an entity is set up for it: its annotations
 * from the catalog, then the readiness checks (built-in app-config checks and those
 * modules add) for each capability the annotations enable.
 */
export class OverviewService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly checks: CapabilityCheck[],
    private readonly environments: {
      environments: string[];
      approvalEnvironments: string[];
    },
  ) {}

  async getOverview(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityOverview> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${entityRef} in the catalog. Check the namespace, kind and name, or register the entity's catalog-info.yaml first.`,
      );
    }
    const capabilities = await Promise.all(
      annotationStatus(entity).map(async status => {
        if (!status.configured) return status;
        const missing = (
          await Promise.all(
            this.checks
              .filter(c => c.capability === status.id)
              .map(c => c.check(entity)),
          )
        ).flat();
        return { ...status, configured: missing.length === 0, missing };
      }),
    );
    return {
      entityRef,
      title: entity.metadata.title ?? entity.metadata.name,
      owner:
        typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined,
      configuredCount: capabilities.filter(c => c.configured).length,
      capabilities,
      ...this.environments,
    };
  }
}
