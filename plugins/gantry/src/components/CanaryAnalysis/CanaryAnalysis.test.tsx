import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  CanaryAnalysis,
  CanaryMetricResult,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { CanaryAnalysisCard } from './CanaryAnalysisCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const quantiles = (from: number, to: number) =>
  Array.from({ length: 21 }, (_, i) => from + ((to - from) * i) / 20);

const latency: CanaryMetricResult = {
  name: 'p99 latency',
  group: 'latency',
  unit: 'seconds',
  direction: 'increase',
  classification: 'High',
  critical: false,
  muted: false,
  reason:
    'p99 latency is higher on the canary: shift +162 ms (98 % interval +155 ms … +170 ms) clears the ±40.5 ms tolerance, canary/baseline mean ratio 1.88 ≥ allowed 1.',
  baseline: {
    count: 21,
    removed: 0,
    mean: 0.184,
    quantiles: quantiles(0.17, 0.2),
  },
  canary: {
    count: 21,
    removed: 0,
    mean: 0.346,
    quantiles: quantiles(0.33, 0.36),
  },
  statistics: {
    u: 441,
    pValue: 0.0000006,
    confidenceLevel: 0.98,
    lower: 0.155,
    upper: 0.17,
    estimate: 0.162,
    tolerance: { lower: -0.0405, upper: 0.0405 },
    effectSize: {
      measure: 'meanRatio',
      value: 1.88,
      allowedIncrease: 1,
      allowedDecrease: 1,
    },
    meanRatio: 1.88,
  },
  guard: {
    description: 'canary mean below 500 ms',
    value: 0.346,
    threshold: 0.5,
    passed: true,
  },
};
const errors: CanaryMetricResult = {
  ...latency,
  name: 'error rate',
  group: 'errors',
  unit: 'ratio',
  classification: 'Pass',
  reason:
    'No significant change in error rate: shift +0.01 % (98 % interval −0.02 % … +0.03 %) does not clear the ±0.0025 % tolerance.',
  baseline: {
    count: 21,
    removed: 0,
    mean: 0.002,
    quantiles: quantiles(0.001, 0.003),
  },
  canary: {
    count: 21,
    removed: 0,
    mean: 0.0021,
    quantiles: quantiles(0.001, 0.003),
  },
  statistics: { ...latency.statistics!, pValue: 0.41, u: 240 },
  guard: {
    description: 'canary mean below 1 %',
    value: 0.0021,
    threshold: 0.01,
    passed: true,
  },
};
const analysis = (a: Partial<CanaryAnalysis>): CanaryAnalysis => ({
  id: 'a1',
  entityRef: 'component:default/checkout',
  rollout: { namespace: 'shop', name: 'checkout' },
  step: 2,
  baselineHash: 'aaa222',
  canaryHash: 'bbb222',
  window: {
    start: '2026-11-26T10:00:00.000Z',
    end: '2026-11-26T10:10:00.000Z',
    stepSeconds: 30,
  },
  verdict: 'Fail',
  score: 50,
  thresholds: { pass: 95, marginal: 75 },
  reason: 'Score 50 < 75 (marginal). Not passing: p99 latency High.',
  groups: [],
  metrics: [errors, latency],
  requestedBy: 'service:external:argo-rollouts',
  createdAt: '2026-11-26T10:10:05.000Z',
  ...a,
});

function render(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <CanaryAnalysisCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('CanaryAnalysisCard', () => {
  it('shows the verdict, why, and per metric the statistic, interval, threshold and distributions', async () => {
    const listCanaryAnalyses = jest.fn().mockResolvedValue([analysis({})]);
    await render({ listCanaryAnalyses });
    expect(await screen.findByText('Fail · score 50')).toBeInTheDocument();
    expect(screen.getByTestId('canary-reason')).toHaveTextContent(
      'Score 50 < 75 (marginal). Not passing: p99 latency High.',
    );
    expect(listCanaryAnalyses).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'checkout', namespace: 'default' }),
    );

    const row = screen.getByText(latency.reason).closest('tr')!;
    const cells = within(row);
    expect(cells.getByText('High')).toBeInTheDocument();
    expect(cells.getByText('184 ms → 346 ms')).toBeInTheDocument();
    expect(cells.getByText('+162 ms')).toBeInTheDocument();
    expect(cells.getByText('98 %: +155 ms … +170 ms')).toBeInTheDocument();
    expect(cells.getByText('±40.5 ms')).toBeInTheDocument();
    expect(cells.getByText('ratio 1.88 (allowed 1–1)')).toBeInTheDocument();
    expect(cells.getByText('U = 441, p < 0.0001')).toBeInTheDocument();
    expect(
      cells.getByText('met: canary mean below 500 ms'),
    ).toBeInTheDocument();

    const errorRow = within(screen.getByText(errors.reason).closest('tr')!);
    expect(errorRow.getByText('0.2 % → 0.21 %')).toBeInTheDocument();
    expect(errorRow.getByText('U = 240, p = 0.41')).toBeInTheDocument();

    expect(
      screen.getByRole('img', {
        name: 'p99 latency: baseline median 185 ms, canary median 345 ms',
      }),
    ).toBeInTheDocument();
  });

  it('switches between analyses, newest first', async () => {
    await render({
      listCanaryAnalyses: jest.fn().mockResolvedValue([
        analysis({
          id: 'a2',
          step: 4,
          verdict: 'Pass',
          score: 100,
          reason: 'Score 100 ≥ 95 (pass). All 2 metrics passed.',
          metrics: [errors],
        }),
        analysis({}),
      ]),
    });
    expect(await screen.findByText('Pass · score 100')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: /shop\/checkout step 4 · .* · Pass/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', {
        name: /shop\/checkout step 2 · canary bbb222 · Fail · 26\/11\/2026, 10:10:05 UTC/,
      }),
    );
    expect(await screen.findByText('Fail · score 50')).toBeInTheDocument();
  });

  it('explains an Error verdict without metrics', async () => {
    await render({
      listCanaryAnalyses: jest.fn().mockResolvedValue([
        analysis({
          verdict: 'Error',
          score: 0,
          metrics: [],
          reason:
            'Prometheus is not configured, so the canary cannot be judged: set gantry.prometheus.baseUrl in app-config.',
        }),
      ]),
    });
    expect(await screen.findByText('Error · score 0')).toBeInTheDocument();
    expect(screen.getByTestId('canary-reason')).toHaveTextContent(
      /set gantry\.prometheus\.baseUrl/,
    );
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says how analyses appear when there are none', async () => {
    await render({ listCanaryAnalyses: jest.fn().mockResolvedValue([]) });
    expect(
      await screen.findByText('No canary analyses yet'),
    ).toBeInTheDocument();
  });

  it('shows the error and retries', async () => {
    const listCanaryAnalyses = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValueOnce([analysis({})]);
    await render({ listCanaryAnalyses });
    expect(
      await screen.findByText(/Could not load canary analysis/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /retry/i }));
    expect(await screen.findByText('Fail · score 50')).toBeInTheDocument();
  });
});
