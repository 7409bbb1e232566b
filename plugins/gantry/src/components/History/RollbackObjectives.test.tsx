import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  DoraFigures,
  DoraView,
  RollbackMeasurement,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import { gantryApiRef } from '../../api/GantryApi';
import { cloneElement, type ReactElement } from 'react';
import { DoraCard } from './DoraCard';

// jsdom lays nothing out, so a ResponsiveContainer measures 0 px and draws nothing:
// give the charts a fixed size instead.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: ({ children }: { children: ReactElement }) =>
      cloneElement(children, { width: 600, height: 220 }),
  };
});

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const figures: DoraFigures = {
  deployments: 6,
  deploymentFrequency: 0.2,
  leadTimeSeconds: 3600,
  changeFailureRate: 0.5,
  timeToRestoreSeconds: 720,
  deploymentDurationSeconds: 300,
  rollbackDurationSeconds: 120,
  successWithoutInterventionRate: 1,
};
const measurement = (m: Partial<RollbackMeasurement>): RollbackMeasurement => ({
  deploymentId: 'b',
  revision: 'b'.repeat(40),
  cause: 'rolled-back',
  failedAt: '2026-11-12T10:10:00.000Z',
  detectedAt: '2026-11-12T10:13:00.000Z',
  restoredAt: '2026-11-12T10:16:00.000Z',
  restoredBy: { deploymentId: 'c', revision: 'a'.repeat(40), rollback: true },
  timeToRestoreSeconds: 180,
  timeToRecoverSeconds: 360,
  restoreMet: true,
  recoverMet: true,
  ...m,
});
const missed = measurement({
  deploymentId: 'd',
  revision: 'd'.repeat(40),
  cause: 'failed',
  failedAt: '2026-11-14T10:00:00.000Z',
  detectedAt: '2026-11-14T10:20:00.000Z',
  restoredAt: '2026-11-14T10:32:00.000Z',
  restoredBy: { deploymentId: 'e', revision: 'a'.repeat(40), rollback: true },
  timeToRestoreSeconds: 720,
  timeToRecoverSeconds: 1920,
  restoreMet: false,
  recoverMet: false,
});
const view = (
  rollbackObjectives: DoraView['rollbackObjectives'],
): DoraView => ({
  entityRef: 'component:default/checkout',
  environment: 'production',
  period: '30d',
  from: '2026-10-21T00:00:00.000Z',
  to: '2026-11-20T00:00:00.000Z',
  current: figures,
  previous: figures,
  trend: [],
  rollbackObjectives,
});
const OBJECTIVES = { timeToRestoreSeconds: 300, timeToRecoverSeconds: 900 };

const render = (v: DoraView) =>
  renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, { getDora: async () => v }]]}>
      <EntityProvider entity={entity}>
        <DoraCard environments={['production']} />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('rollback time objectives on the DORA card', () => {
  it('shows the objectives, the attainment and each miss', async () => {
    await render(
      view({
        objectives: OBJECTIVES,
        measurements: [measurement({}), missed],
        restoreAttainment: 0.5,
        recoverAttainment: 0.5,
        misses: [missed],
      }),
    );
    const section = await screen.findByTestId('rollback-objectives');
    expect(within(section).getByText('Restored within 5m 0s')).toBeVisible();
    expect(within(section).getByText('Recovered within 15m 0s')).toBeVisible();
    expect(screen.getByTestId('rollback-restore-attainment')).toHaveTextContent(
      '50%',
    );
    expect(screen.getByTestId('rollback-restore-attainment')).toHaveStyle({
      color: '#c62828',
    });
    expect(within(section).getAllByText('1 of 2 failed changes')).toHaveLength(
      2,
    );
    expect(within(section).getByText('Missed objectives (1)')).toBeVisible();
    const row = within(section)
      .getByText(`${'d'.repeat(12)} · deployment failed`)
      .closest('tr')!;
    expect(within(row).getByText('12m 0s (> 5m 0s)')).toBeVisible();
    expect(within(row).getByText('32m 0s (> 15m 0s)')).toBeVisible();
    expect(within(row).getByText(`${'a'.repeat(12)} (rollback)`)).toBeVisible();
    // one restore and one recover bar per failed change, against both target lines
    expect(section.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(4);
    expect(
      within(section).getByText('restore target 5m 0s'),
    ).toBeInTheDocument();
    expect(
      within(section).getByText('recover target 15m 0s'),
    ).toBeInTheDocument();
  });

  it('says when there is nothing to measure in the period', async () => {
    await render(
      view({
        objectives: OBJECTIVES,
        measurements: [],
        restoreAttainment: null,
        recoverAttainment: null,
        misses: [],
      }),
    );
    expect(
      await screen.findByText(
        /No failed or rolled-back deployments in this period/,
      ),
    ).toBeVisible();
    expect(screen.getByTestId('rollback-recover-attainment')).toHaveTextContent(
      '—',
    );
    expect(screen.queryByText(/Missed objectives/)).toBeNull();
  });
});
