import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
} from '@backstage/frontend-plugin-api';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import CallSplitIcon from '@material-ui/icons/CallSplit';
import PolicyIcon from '@material-ui/icons/Policy';
import WhatshotIcon from '@material-ui/icons/Whatshot';
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

/** The Flags tab, for entities annotated gantry.dev/feature-flags. */
export const flagsEntityContent = EntityContentBlueprint.make({
  name: 'flags',
  params: {
    path: '/flags',
    title: 'Flags',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[ANNOTATIONS.featureFlags]),
    loader: () => import('./components/Flags').then(m => <m.FlagsTab />),
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

export const rolloutsRouteRef = createRouteRef();

/** Rollouts paused for promotion or on analysis, across the entities the user owns. */
export const rolloutsPage = PageBlueprint.make({
  name: 'rollouts',
  params: {
    path: '/gantry/rollouts',
    title: 'Rollouts',
    icon: <CallSplitIcon fontSize="inherit" />,
    routeRef: rolloutsRouteRef,
    loader: () =>
      import('./components/RolloutsPage').then(m => <m.RolloutsPage />),
  },
});

export const onCallRouteRef = createRouteRef();

/** Open incidents across the entities the user owns. */
export const onCallPage = PageBlueprint.make({
  name: 'on-call',
  params: {
    path: '/gantry/on-call',
    title: 'On call',
    icon: <WhatshotIcon fontSize="inherit" />,
    routeRef: onCallRouteRef,
    loader: () => import('./components/OnCallPage').then(m => <m.OnCallPage />),
  },
});

export const privacyRouteRef = createRouteRef();

/** The GDPR Article 30 record of processing activities, for the catalog or one System. */
export const privacyPage = PageBlueprint.make({
  name: 'privacy',
  params: {
    path: '/gantry/privacy',
    title: 'Privacy',
    icon: <PolicyIcon fontSize="inherit" />,
    routeRef: privacyRouteRef,
    loader: () => import('./components/Privacy').then(m => <m.PrivacyPage />),
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
  routes: {
    approvals: approvalsRouteRef,
    rollouts: rolloutsRouteRef,
    onCall: onCallRouteRef,
    privacy: privacyRouteRef,
  },
  extensions: [
    gantryApi,
    deliveryEntityContent,
    complianceEntityContent,
    flagsEntityContent,
    approvalsPage,
    rolloutsPage,
    onCallPage,
    privacyPage,
  ],
});
