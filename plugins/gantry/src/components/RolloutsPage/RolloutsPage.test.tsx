import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  RolloutAttentionView,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { RolloutsPage } from './RolloutsPage';

const rollout: RolloutView = {
  cluster: 'prod',
  namespace: 'shop-staging',
  name: 'checkout',
  phase: 'Paused',
  strategy: 'canary',
  steps: [
    { index: 0, kind: 'setWeight', weight: 25 },
    { index: 1, kind: 'pause' },
    { index: 2, kind: 'setWeight', weight: 100 },
  ],
  currentStepIndex: 1,
  canaryWeight: 25,
  paused: true,
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2026-11-26T10:05:00Z' },
  ],
  aborted: false,
  fullyPromoted: false,
  release: '1.5.0',
  analysisRuns: [],
};
const view = (scope: 'owned' | 'all'): RolloutAttentionView => ({
  scope,
  items: [
    {
      entityRef: 'component:default/checkout',
      environment: 'staging',
      application: 'checkout-staging',
      reason: 'awaiting-promotion',
      rollout,
    },
  ],
  errors:
    scope === 'all'
      ? [
          {
            entityRef: 'component:default/ledger',
            message: 'argocd:main: timed out after 10000 ms',
          },
        ]
      : [],
});

describe('RolloutsPage', () => {
  it("lists what waits on the user, and everyone's on request with what could not be read", async () => {
    const getRolloutAttention = jest.fn(async (scope: 'owned' | 'all') =>
      view(scope),
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[[gantryApiRef, { getRolloutAttention } as Partial<GantryApi>]]}
      >
        <RolloutsPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('awaiting promotion')).toBeInTheDocument();
    expect(
      screen.getByText('prod/shop-staging/checkout · 1.5.0'),
    ).toBeInTheDocument();
    expect(getRolloutAttention).toHaveBeenCalledWith('owned');
    await userEvent.click(screen.getByLabelText('All entities'));
    expect(
      await screen.findByText(
        'component:default/ledger: argocd:main: timed out after 10000 ms',
      ),
    ).toBeInTheDocument();
    expect(getRolloutAttention).toHaveBeenLastCalledWith('all');
  });

  it('opens on the scope in the URL and shows how old the state is and what was not read', async () => {
    const getRolloutAttention = jest.fn(async (scope: 'owned' | 'all') => ({
      ...view(scope),
      refreshedAt: new Date(Date.now() - 42_000).toISOString(),
      refreshSeconds: 60,
      entities: 1000,
      complete: false,
      unread: ['component:default/new-service'],
    }));
    await renderInTestApp(
      <TestApiProvider
        apis={[[gantryApiRef, { getRolloutAttention } as Partial<GantryApi>]]}
      >
        <RolloutsPage />
      </TestApiProvider>,
      {
        routeEntries: ['/rollouts?scope=all'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(await screen.findByText('awaiting promotion')).toBeInTheDocument();
    expect(getRolloutAttention).toHaveBeenCalledTimes(1);
    expect(getRolloutAttention).toHaveBeenCalledWith('all');
    expect(screen.getByLabelText('All entities')).toBeChecked();
    expect(
      screen.getByText(
        /Read from Argo CD and Kubernetes 4\d s ago, every 60 s, 1000 entities\./,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Not read yet \(added since the last refresh\): component:default\/new-service/,
      ),
    ).toBeInTheDocument();
  });

  it('says when nothing waits', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            gantryApiRef,
            {
              getRolloutAttention: async () => ({
                scope: 'owned',
                items: [],
                errors: [],
              }),
            } as Partial<GantryApi>,
          ],
        ]}
      >
        <RolloutsPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Nothing is waiting')).toBeInTheDocument();
  });
});
