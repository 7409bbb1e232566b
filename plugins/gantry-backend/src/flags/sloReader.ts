import type { Entity } from '@backstage/catalog-model';
import type {
  EntitySlos,
  SloDefinitionView,
} from '@gantry/plugin-gantry-common';

/**
 * What flags read of an entity's SLOs: the linked-SLO check asks what the entity
 * declares, the ramp guard how its SLOs burn. The SLO domain's SloService provides it
 * (plugin.ts hands it to createFlags).
 */
export interface SloReader {
  /** The SLOs the entity declares (none without a spec); throws when its spec does not load. */
  declared(entity: Entity): Promise<SloDefinitionView[]>;
  /** Status of each SLO the entity declares, or why none could be computed (`error`). */
  forEntity(entity: Entity, entityRef: string): Promise<EntitySlos>;
}
