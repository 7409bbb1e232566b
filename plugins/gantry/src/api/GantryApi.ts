import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { EntityOverview } from '@gantry/plugin-gantry-common';

/** What the Gantry frontend asks of the Gantry backend. */
export interface GantryApi {
  getOverview(ref: CompoundEntityRef): Promise<EntityOverview>;
}

export const gantryApiRef = createApiRef<GantryApi>({
  id: 'plugin.gantry.api',
});
