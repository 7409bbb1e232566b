import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  FeatureFlag,
  FlagExperimentResults,
  FlagUsageMetrics,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { ExperimentCard } from './ExperimentCard';
import { experimentBars } from './ExperimentChart';
import { healthRows, ServiceHealthChart } from './ServiceHealthChart';

jest.setTimeout(30_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

const flag: FeatureFlag = {
  entityRef: 'component:default/checkout',
  environment: 'staging',
  key: 'new-checkout',
  type: 'experiment',
  definition: {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
  },
  owner: 'group:default/payments',
  safeVariant: 'off',
  version: 1,
  createdAt: '2026-11-20T10:00:00Z',
  createdBy: 'user:default/alice',
  updatedAt: '2026-11-20T10:00:00Z',
  updatedBy: 'user:default/alice',
  summary: { valueType: 'boolean', segments: [], targeting: 'static: off' },
};

const results = (
  over: Partial<FlagExperimentResults> = {},
): FlagExperimentResults => ({
  experiment: {
    entityRef: 'component:default/checkout',
    environment: 'staging',
    flagKey: 'new-checkout',
    conversionEvent: 'checkout_completed',
    controlVariant: 'off',
    minimumDetectableEffect: 0.08,
    baselineRate: 0.1,
    alpha: 0.05,
    power: 0.8,
    version: 1,
    startedAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    updatedBy: 'user:default/alice',
  },
  comparisonAlpha: 0.05,
  variants: [
    {
      variant: 'on',
      isControl: false,
      exposures: 400,
      conversions: 64,
      rate: 0.16,
      interval: [0.12733, 0.19914],
      expectedShare: 0.5,
      comparison: {
        difference: 0.06,
        relativeLift: 0.6,
        z: 2.523,
        pValue: 0.01163,
        significant: true,
      },
    },
    {
      variant: 'off',
      isControl: true,
      exposures: 400,
      conversions: 40,
      rate: 0.1,
      interval: [0.0743, 0.13331],
      expectedShare: 0.5,
    },
  ],
  sampleRatio: {
    chiSquare: 0,
    degreesOfFreedom: 1,
    pValue: 1,
    mismatch: false,
  },
  requiredSampleSize: 295,
  decision: {
    status: 'winner',
    winner: 'on',
    message: 'on converts at 16.00 % against 10.00 % for control (p = 0.012).',
  },
  unexposedConversions: 0,
  ...over,
});

const render = (
  api: Partial<GantryApi>,
  onRolledOut = jest.fn(),
  allow = true,
) =>
  renderInTestApp(
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
      <EntityProvider entity={entity}>
        <ExperimentCard flags={[flag]} onRolledOut={onRolledOut} />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('ExperimentCard', () => {
  it('shows rates with intervals, p-values, sample size and the winner', async () => {
    await render({ getFlagExperiment: jest.fn().mockResolvedValue(results()) });
    expect(
      await screen.findByText(/on converts at 16.00 %/),
    ).toBeInTheDocument();
    expect(screen.getByText('16.00 % (12.73 % – 19.91 %)')).toBeInTheDocument();
    expect(screen.getByText('0.0116 (significant)')).toBeInTheDocument();
    expect(screen.getByText('+6.00 pts')).toBeInTheDocument();
    expect(
      screen.getByText(/smallest variant has 400 of 295 exposures/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'sample size progress' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.queryByText(/Sample ratio mismatch/)).not.toBeInTheDocument();
  });

  it('rolls the winner out only after confirmation with a reason', async () => {
    const rollout = jest.fn().mockResolvedValue({ status: 'pending' });
    const onRolledOut = jest.fn();
    await render(
      {
        getFlagExperiment: jest.fn().mockResolvedValue(results()),
        rolloutFlagExperimentWinner: rollout,
      },
      onRolledOut,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll out on' }),
    );
    const dialog = screen.getByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Roll out' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Why/),
      'on won the test',
    );
    await userEvent.click(confirm);
    expect(rollout).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      'staging',
      'new-checkout',
      'on won the test',
    );
    expect(
      await screen.findByText(/waits for approval by another owner in staging/),
    ).toBeInTheDocument();
    expect(onRolledOut).toHaveBeenCalled();
  });

  it('warns about a sample ratio mismatch and offers no roll-out', async () => {
    await render({
      getFlagExperiment: jest.fn().mockResolvedValue(
        results({
          sampleRatio: {
            chiSquare: 16,
            degreesOfFreedom: 1,
            pValue: 6.3e-5,
            mismatch: true,
          },
          decision: {
            status: 'sample-ratio-mismatch',
            message: 'Exposures do not match the configured split.',
          },
        }),
      ),
    });
    expect(
      await screen.findByText(/Sample ratio mismatch: chi-square 16.00/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Roll out/ }),
    ).not.toBeInTheDocument();
  });

  it('sets up an experiment from the empty state', async () => {
    const get = jest.fn().mockResolvedValue(undefined);
    const configure = jest.fn().mockResolvedValue({});
    await render({
      getFlagExperiment: get,
      configureFlagExperiment: configure,
    });
    expect(
      await screen.findByText('No experiment on this flag'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Set up experiment' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Conversion event/),
      'checkout_completed',
    );
    const mde = within(dialog).getByLabelText(/Min. effect/);
    await userEvent.clear(mde);
    await userEvent.type(mde, '5');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(configure).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      'staging',
      'new-checkout',
      {
        conversionEvent: 'checkout_completed',
        controlVariant: 'off',
        minimumDetectableEffect: 0.05,
        alpha: 0.05,
        power: 0.8,
      },
    );
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('offers no changes without the update permission', async () => {
    await render(
      { getFlagExperiment: jest.fn().mockResolvedValue(results()) },
      jest.fn(),
      false,
    );
    expect(
      await screen.findByRole('button', { name: 'Roll out on' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Edit experiment' }),
    ).toBeDisabled();
  });

  it('shows a load error with retry', async () => {
    await render({
      getFlagExperiment: jest.fn().mockRejectedValue(new Error('boom')),
    });
    expect(
      await screen.findByText(/Could not load experiment/),
    ).toBeInTheDocument();
  });

  it('turns variants into bars with asymmetric interval whiskers', () => {
    const [on, off] = experimentBars(results().variants);
    expect(on.variant).toBe('on');
    expect(off.variant).toBe('off (control)');
    expect(on.rate).toBeCloseTo(16, 10);
    expect(on.interval[0]).toBeCloseTo(3.267, 10);
    expect(on.interval[1]).toBeCloseTo(3.914, 10);
  });
});

describe('ServiceHealthChart', () => {
  const ok: FlagUsageMetrics = {
    status: 'ok',
    selector: 'service="checkout"',
    errorRate: [
      [100, 0.01],
      [400, 0.02],
    ],
    p99LatencySeconds: [[100, 0.25]],
  };

  it('joins error rate and latency on time, in percent and milliseconds', () => {
    expect(healthRows(ok)).toEqual([
      { t: 100_000, 'error rate %': 1, 'p99 latency ms': 250 },
      { t: 400_000, 'error rate %': 2 },
    ]);
  });

  it('says when Prometheus is not configured', async () => {
    await renderInTestApp(
      <ServiceHealthChart
        metrics={{
          status: 'unavailable',
          message: 'Prometheus is not configured (gantry.prometheus.baseUrl).',
        }}
      />,
    );
    expect(
      screen.getByText(/Prometheus is not configured/),
    ).toBeInTheDocument();
  });
});
