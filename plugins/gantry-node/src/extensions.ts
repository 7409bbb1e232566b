import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  GantryCapabilityId,
  MissingItem,
} from '@gantry/plugin-gantry-common';

/**
 * A check the overview runs for an entity whose annotations enable `capability`:
 * it returns what is still missing (config, credentials, reachability), each with a
 * sentence telling the user how to fix it. An empty list means ready.
 *
 * @public
 */
export interface CapabilityCheck {
  capability: GantryCapabilityId;
  check(entity: Entity): MissingItem[] | Promise<MissingItem[]>;
}

/** @public */
export interface GantryOverviewExtensionPoint {
  addCapabilityCheck(...checks: CapabilityCheck[]): void;
}

/**
 * Lets backend modules add readiness checks to the Delivery overview, for example a
 * module that brings another deployment source.
 *
 * @public
 */
export const gantryOverviewExtensionPoint =
  createExtensionPoint<GantryOverviewExtensionPoint>({
    id: 'gantry.overview',
  });
