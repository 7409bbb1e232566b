import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ANNOTATIONS, isGantryEntity } from '@gantry/plugin-gantry-common';
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

/** The Compliance tab, for entities that name a compliance policy. */
export const complianceEntityContent = EntityContentBlueprint.make({
  name: 'compliance',
  params: {
    path: '/compliance',
    title: 'Compliance',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[ANNOTATIONS.compliancePolicy]),
    loader: () =>
      import('./components/ComplianceTab').then(m => <m.ComplianceTab />),
  },
});

export const approvalsRouteRef = createRouteRef();

/** What awaits the signed-in user's approval, across every entity. */
export const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/gantry/approvals',
    title: 'Approvals',
    icon: <AssignmentTurnedInIcon fontSize="inherit" />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/ApprovalsPage').then(m => <m.ApprovalsPage />),
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
  title: 'Gantry',
  routes: { approvals: approvalsRouteRef },
  extensions: [
    gantryApi,
    deliveryEntityContent,
    complianceEntityContent,
    approvalsPage,
  ],
});
