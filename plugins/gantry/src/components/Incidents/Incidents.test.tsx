import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Incident, IncidentDetail } from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { OnCallPage } from '../OnCallPage';
import { IncidentsCard } from './IncidentsCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const incident: Incident = {
  id: 'inc-1',
  entityRef: 'component:default/checkout',
  title: 'CheckoutHighErrorRate: burning budget 14.4x',
  severity: 'page',
  status: 'open',
  startedAt: '2026-11-26T10:00:00.000Z',
  detectedAt: '2026-11-26T10:00:05.000Z',
  suspect: {
    id: 'd1',
    entityRef: 'component:default/checkout',
    environment: 'production',
    instance: 'main',
    application: 'checkout-production',
    revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432,7.2.0',
    startedAt: '2026-11-26T09:30:00.000Z',
    finishedAt: '2026-11-26T09:31:00.000Z',
    outcome: 'succeeded',
    rollback: false,
    manualIntervention: false,
    source: 'argocd-notification',
  },
  timeToDetectSeconds: 1740,
  escalationLevel: 0,
  alerts: [
    {
      fingerprint: 'c6b2',
      alertname: 'CheckoutHighErrorRate',
      severity: 'page',
      status: 'firing',
      startsAt: '2026-11-26T10:00:00.000Z',
      summary: 'burning budget 14.4x',
      runbookUrl: '/docs/default/component/checkout/runbooks/high-error-rate/',
    },
  ],
  timeline: [
    {
      at: '2026-11-26T10:00:05.000Z',
      kind: 'opened',
      text: 'Opened; suspect release 9f8e7d6',
    },
  ],
};
const detail: IncidentDetail = {
  ...incident,
  owners: ['group:default/payments', 'group:default/sre'],
  errors: [],
  remedies: [
    {
      kind: 'abort-rollout',
      cluster: 'prod',
      namespace: 'shop-prod',
      name: 'checkout',
      label: 'Abort rollout shop-prod/checkout (7.2.0)',
    },
    {
      kind: 'argocd-rollback',
      instance: 'main',
      application: 'checkout-production',
      historyId: 1,
      revision: '1111111111111111111111111111111111111111,7.1.0',
      label: 'Roll checkout-production back to 1111111',
    },
  ],
};

function render(api: Partial<GantryApi>, ui: JSX.Element, allow = true) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, api],
        [
          permissionApiRef,
          {
            authorize: async () => ({
              result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            }),
          },
        ],
      ]}
    >
      <EntityProvider entity={entity}>{ui}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('IncidentsCard', () => {
  it('shows the suspect release and applies a remedy after confirmation', async () => {
    const applyRemedy = jest.fn(async () => ({ remedy: 'abort-rollout' }));
    await render(
      {
        listIncidents: async () => ({ items: [incident] }),
        getIncident: async () => detail,
        applyRemedy,
      },
      <IncidentsCard />,
    );
    expect(
      await screen.findByText('1 open · from Alertmanager alerts'),
    ).toBeInTheDocument();
    expect(screen.getByText('9f8e7d6 (production)')).toBeInTheDocument();
    await userEvent.click(screen.getByText(incident.title));
    expect(await screen.findByTestId('suspect')).toHaveTextContent(
      'Suspect release: 9f8e7d6 deployed to production',
    );
    expect(screen.getByText('runbook')).toHaveAttribute(
      'href',
      '/docs/default/component/checkout/runbooks/high-error-rate/',
    );
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Abort rollout shop-prod/checkout (7.2.0)',
      }),
    );
    expect(
      await screen.findByText('Abort rollout shop-prod/checkout (7.2.0)?'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(applyRemedy).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'checkout' }),
      'inc-1',
      detail.remedies[0],
    );
  });

  it('hides remedies and acknowledgement the policy denies', async () => {
    await render(
      {
        listIncidents: async () => ({ items: [incident] }),
        getIncident: async () => detail,
      },
      <IncidentsCard />,
      false,
    );
    await userEvent.click(await screen.findByText(incident.title));
    expect(await screen.findByTestId('suspect')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Abort rollout/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('says where incidents come from when there are none, and shows errors', async () => {
    await render(
      { listIncidents: async () => ({ items: [] }) },
      <IncidentsCard />,
    );
    expect(await screen.findByText('No incidents')).toBeInTheDocument();
  });
});

describe('OnCallPage', () => {
  it('lists open incidents across owned entities', async () => {
    await render(
      { listOnCallIncidents: async () => ({ items: [incident] }) },
      <OnCallPage />,
    );
    expect(await screen.findByText(incident.title)).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/delivery',
    );
  });
});
