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

/**
 * The Compliance tab content; mount it in an EntityLayout.Route for entities with a
 * gantry.dev/compliance-policy annotation.
 *
 * @public
 */
export const EntityGantryComplianceContent = gantryPlugin.provide(
  createComponentExtension({
    name: 'EntityGantryComplianceContent',
    component: {
      lazy: () =>
        import('./components/ComplianceTab').then(m => m.ComplianceTab),
    },
  }),
);

/**
 * The Flags tab content; mount it in an EntityLayout.Route for entities with a
 * gantry.dev/feature-flags annotation.
 *
 * @public
 */
export const EntityGantryFlagsContent = gantryPlugin.provide(
  createComponentExtension({
    name: 'EntityGantryFlagsContent',
    component: {
      lazy: () => import('./components/Flags').then(m => m.FlagsTab),
    },
  }),
);

/**
 * The Approvals page; mount it at a route such as /gantry/approvals.
 *
 * @public
 */
export const GantryApprovalsPage = gantryPlugin.provide(
  createComponentExtension({
    name: 'GantryApprovalsPage',
    component: {
      lazy: () =>
        import('./components/ApprovalsPage').then(m => m.ApprovalsPage),
    },
  }),
);

/**
 * The Rollouts page (rollouts waiting for promotion or on analysis); mount it at a
 * route such as /gantry/rollouts.
 *
 * @public
 */
export const GantryRolloutsPage = gantryPlugin.provide(
  createComponentExtension({
    name: 'GantryRolloutsPage',
    component: {
      lazy: () => import('./components/RolloutsPage').then(m => m.RolloutsPage),
    },
  }),
);

/**
 * The On-call page (open incidents across the entities the user owns); mount it at a
 * route such as /gantry/on-call.
 *
 * @public
 */
export const GantryOnCallPage = gantryPlugin.provide(
  createComponentExtension({
    name: 'GantryOnCallPage',
    component: {
      lazy: () => import('./components/OnCallPage').then(m => m.OnCallPage),
    },
  }),
);
