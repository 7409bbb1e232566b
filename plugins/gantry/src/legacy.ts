import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { gantryApiRef } from './api/GantryApi';
import { GantryClient } from './api/GantryClient';

export { isGantryEntity } from '@gantry/plugin-gantry-common';

/**
 * Gantry for apps still on the legacy frontend system.
 *
 * @public
 */
export const gantryPlugin = createPlugin({
  id: 'gantry',
  apis: [
    createApiFactory({
      api: gantryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GantryClient(deps),
    }),
  ],
});

/**
 * The Delivery tab content; mount it in an EntityLayout.Route guarded by isGantryEntity.
 *
 * @public
 */
export const EntityGantryDeliveryContent = gantryPlugin.provide(
  createComponentExtension({
    name: 'EntityGantryDeliveryContent',
    component: {
      lazy: () => import('./components/DeliveryTab').then(m => m.DeliveryTab),
    },
  }),
);
