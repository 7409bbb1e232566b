import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isGantryEntity } from '@gantry/plugin-gantry-common';
import { gantryApiRef } from './api/GantryApi';
import { GantryClient } from './api/GantryClient';

export const gantryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gantryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GantryClient(deps),
    }),
});

/** The Delivery tab, shown for entities that carry any Gantry annotation. */
export const deliveryEntityContent = EntityContentBlueprint.make({
  name: 'delivery',
  params: {
    path: '/delivery',
    title: 'Delivery',
    filter: isGantryEntity,
    loader: () =>
      import('./components/DeliveryTab').then(m => <m.DeliveryTab />),
  },
});

/**
 * Gantry for the new frontend system. Apps with `app.packages: all` pick it up
 * from their dependencies; others add it to `createApp({ features })`.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'gantry',
  extensions: [gantryApi, deliveryEntityContent],
});
