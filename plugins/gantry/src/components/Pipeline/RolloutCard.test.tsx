import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { RolloutView } from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { RolloutCard } from './RolloutCard';

const paused: RolloutView = {
  cluster: 'prod',
  namespace: 'shop',
  name: 'checkout',
  phase: 'Paused',
  message: 'CanaryPauseStep',
  strategy: 'canary',
  steps: [
    { index: 0, kind: 'setWeight', weight: 5 },
    { index: 1, kind: 'pause' },
    { index: 2, kind: 'setWeight', weight: 25 },
    { index: 3, kind: 'pause' },
  ],
  currentStepIndex: 3,
  canaryWeight: 20,
  setWeight: 25,
  actualWeight: 20,
  stableRS: '5b8d9c7f4c',
  revision: '8',
  paused: true,
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2026-11-26T10:05:00Z' },
  ],
  aborted: false,
  fullyPromoted: false,
  analysisRuns: [],
};

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const render = (rollout: RolloutView) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, {} as GantryApi],
        [
          permissionApiRef,
          { authorize: async () => ({ result: AuthorizeResult.ALLOW }) },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <RolloutCard rollout={rollout} onChange={() => {}} />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('RolloutCard', () => {
  it('shows set and actual weight apart, and the stable ReplicaSet and revision', async () => {
    await render(paused);
    expect(
      screen.getByText('Rollout checkout: Paused · 20 % canary'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('set weight 25 % · actual weight 20 %'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('stable 5b8d9c7f4c · revision 8'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('canary at 20 %')).toBeInTheDocument();
    expect(screen.getByText(/Paused \(CanaryPauseStep\)/)).toBeInTheDocument();
  });

  it('says it waits for the controller instead of showing the stale state as settled', async () => {
    await render({
      ...paused,
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
      waitingForController: 'waiting for rollout to unpause',
      fullyPromoted: true,
    });
    expect(
      screen.getByText(
        'Waiting for the controller (waiting for rollout to unpause); the status below is from before the latest change.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Rollout checkout: Progressing · 20 % canary'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Paused \(/)).not.toBeInTheDocument();
  });

  it('shows an aborted canary at 0 % and a finished one at 100 %', async () => {
    await render({
      ...paused,
      phase: 'Degraded',
      message: 'RolloutAborted: metric "web" assessed Failed',
      aborted: true,
      paused: false,
      pauseConditions: [],
      setWeight: 0,
      actualWeight: 0,
      canaryWeight: 0,
    });
    expect(
      screen.getByText('Rollout checkout: Degraded · 0 % canary'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('canary at 0 %')).toBeInTheDocument();
  });

  it('shows a canary without steps at 100 %', async () => {
    await render({
      ...paused,
      phase: 'Healthy',
      message: undefined,
      steps: [],
      currentStepIndex: undefined,
      paused: false,
      pauseConditions: [],
      setWeight: 100,
      actualWeight: 100,
      fullyPromoted: true,
    });
    expect(screen.getByText('Rollout checkout: Healthy')).toBeInTheDocument();
    expect(screen.getByLabelText('canary at 100 %')).toBeInTheDocument();
  });
});
