import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  DeploymentRecord,
  DoraFigures,
  DoraView,
} from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { DeploymentHistoryCard } from './DeploymentHistoryCard';
import { DoraCard } from './DoraCard';
import { formatDuration } from './format';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const deployment = (
  i: number,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord => ({
  id: `d${i}`,
  entityRef: 'component:default/checkout',
  environment: 'production',
  instance: 'main',
  application: 'checkout-production',
  revision: `${i}`.repeat(40),
  startedAt: `2026-11-${10 + i}T10:00:00.000Z`,
  finishedAt: `2026-11-${10 + i}T10:02:30.000Z`,
  outcome: 'succeeded',
  rollback: false,
  manualIntervention: false,
  source: 'argocd-notification',
  ...extra,
});
const figures = (f: Partial<DoraFigures>): DoraFigures => ({
  deployments: 7,
  deploymentFrequency: 0.4,
  leadTimeSeconds: 7800,
  changeFailureRate: 0.5,
  timeToRestoreSeconds: 5520,
  deploymentDurationSeconds: 600,
  rollbackDurationSeconds: 120,
  successWithoutInterventionRate: 0.5,
  ...f,
});

function render(api: Partial<GantryApi>, ui: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <EntityProvider entity={entity}>{ui}</EntityProvider>
    </TestApiProvider>,
  );
}

describe('DeploymentHistoryCard', () => {
  it('lists deployments newest first and loads older pages', async () => {
    const getDeploymentHistory = jest
      .fn()
      .mockResolvedValueOnce({
        items: [
          deployment(3, { outcome: 'aborted', initiator: 'alice' }),
          deployment(2, { rollback: true, manualIntervention: true }),
        ],
        nextBefore: '2026-11-12T10:00:00.000Z',
      })
      .mockResolvedValueOnce({ items: [deployment(1)] });
    await render({ getDeploymentHistory }, <DeploymentHistoryCard />);
    expect(await screen.findByText('aborted')).toBeInTheDocument();
    expect(screen.getByText('succeeded (rollback)')).toBeInTheDocument();
    expect(screen.getByText('automated · manual step')).toBeInTheDocument();
    expect(screen.getAllByText('2m 30s')).toHaveLength(2);
    await userEvent.click(screen.getByText('Show older deployments'));
    expect(await screen.findByText('1111111')).toBeInTheDocument();
    expect(getDeploymentHistory).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'checkout' }),
      { limit: 20, before: '2026-11-12T10:00:00.000Z' },
    );
    expect(screen.queryByText('Show older deployments')).toBeNull();
  });

  it('explains an empty history and shows errors', async () => {
    await render(
      { getDeploymentHistory: async () => ({ items: [] }) },
      <DeploymentHistoryCard />,
    );
    expect(
      await screen.findByText('No deployments recorded yet'),
    ).toBeInTheDocument();
  });
});

describe('DoraCard', () => {
  const view: DoraView = {
    entityRef: 'component:default/checkout',
    environment: 'production',
    period: '30d',
    from: '2026-10-27T00:00:00.000Z',
    to: '2026-11-26T00:00:00.000Z',
    current: figures({}),
    previous: figures({ changeFailureRate: 0.25, leadTimeSeconds: 15600 }),
    trend: [{ start: '2026-10-27T00:00:00.000Z', ...figures({}) }],
  };

  it('shows each figure with its trend against the period before, and switches environment', async () => {
    const getDora = jest.fn().mockResolvedValue(view);
    await render(
      { getDora },
      <DoraCard environments={['staging', 'production']} />,
    );
    expect(
      await screen.findByTestId('dora-changeFailureRate'),
    ).toHaveTextContent('50%');
    expect(screen.getByTestId('dora-leadTimeSeconds')).toHaveTextContent(
      '2h 10m',
    );
    expect(screen.getByTestId('dora-timeToRestoreSeconds')).toHaveTextContent(
      '1h 32m',
    );
    // failure rate doubled (bad), lead time halved (good)
    expect(screen.getByText('▲ 100% vs the period before')).toHaveStyle({
      color: '#c62828',
    });
    expect(screen.getByText('▼ -50% vs the period before')).toHaveStyle({
      color: '#2e7d32',
    });
    expect(getDora).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'checkout' }),
      'production',
      '30d',
    );
    await userEvent.click(
      screen.getByText('production', { selector: '[role=button]' }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'staging' }),
    );
    expect(getDora).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'checkout' }),
      'staging',
      '30d',
    );
  });

  it('says when there is nothing to measure, and shows errors with a retry', async () => {
    const empty = {
      ...view,
      current: figures({ deployments: 0 }),
      previous: figures({ deployments: 0 }),
    };
    await render(
      { getDora: async () => empty },
      <DoraCard environments={['production']} />,
    );
    expect(
      await screen.findByText('No deployments to production in this period'),
    ).toBeInTheDocument();
  });

  it('shows the error with a retry', async () => {
    await render(
      {
        getDora: async () => {
          throw new Error('Gantry backend unreachable');
        },
      },
      <DoraCard environments={['production']} />,
    );
    expect(
      (await screen.findAllByText(/Gantry backend unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: /retry/i })).toBeInTheDocument();
  });
});

describe('formatDuration', () => {
  it.each([
    [45, '45s'],
    [90, '1m 30s'],
    [7800, '2h 10m'],
    [345300, '3d 23h'],
    [null, '—'],
  ])('%s s -> %s', (s, text) => expect(formatDuration(s)).toBe(text));
});
