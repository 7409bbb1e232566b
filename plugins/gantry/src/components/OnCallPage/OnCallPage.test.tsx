import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Incident } from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { OnCallPage } from './OnCallPage';

const incident = (n: number): Incident => ({
  id: `inc-${n}`,
  entityRef: `component:default/svc-${n}`,
  title: `Svc${n}HighErrorRate`,
  status: 'open',
  startedAt: '2026-11-26T10:00:00.000Z',
  detectedAt: '2026-11-26T10:00:05.000Z',
  escalationLevel: 0,
  alerts: [],
  timeline: [],
});

function render(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <OnCallPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('OnCallPage', () => {
  it('says how many incidents it leaves out when the list is capped', async () => {
    const items = [1, 2, 3].map(incident);
    await render({
      listOnCallIncidents: async () => ({ items, total: 250, truncated: true }),
    });
    expect(await screen.findByText('Svc1HighErrorRate')).toHaveAttribute(
      'href',
      '/catalog/default/component/svc-1/delivery',
    );
    expect(screen.getByTestId('on-call-truncated')).toHaveTextContent(
      'Showing 3 of 250 open incidents, the newest first.',
    );
  });

  it('says nothing of a cap when every incident is listed', async () => {
    await render({
      listOnCallIncidents: async () => ({
        items: [incident(1)],
        total: 1,
        truncated: false,
      }),
    });
    expect(await screen.findByText('Svc1HighErrorRate')).toBeInTheDocument();
    expect(screen.queryByTestId('on-call-truncated')).toBeNull();
    expect(screen.queryByText(/Showing/)).toBeNull();
  });

  it('has an empty state', async () => {
    await render({
      listOnCallIncidents: async () => ({
        items: [],
        total: 0,
        truncated: false,
      }),
    });
    expect(await screen.findByText('Nothing is on fire')).toBeInTheDocument();
  });

  it('shows the error when the list cannot be read', async () => {
    await render({
      listOnCallIncidents: async () => {
        throw new Error('database is down');
      },
    });
    expect(
      await screen.findByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
  });
});
