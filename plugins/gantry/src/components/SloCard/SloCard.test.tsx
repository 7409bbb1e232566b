import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  EntitySlos,
  SloAlertStatus,
  SloStatus,
} from '@gantry/plugin-gantry-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { SloCard } from './SloCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const B = 0.001;
const windows: Array<[string, number]> = [
  ['5m', 0.02],
  ['30m', 0.02],
  ['1h', 0.015],
  ['2h', 0.00775],
  ['6h', 0.0029167],
  ['1d', 0.0011042],
  ['3d', 0.0007014],
];
const ratioOf = (w: string) => windows.find(([x]) => x === w)![1];
const condition = (
  severity: 'page' | 'ticket',
  shortWindow: string,
  longWindow: string,
  factor: number,
  budgetPercent: number,
) => {
  const shortBurnRate = ratioOf(shortWindow) / B;
  const longBurnRate = ratioOf(longWindow) / B;
  return {
    severity,
    shortWindow,
    longWindow,
    factor,
    budgetPercent,
    shortBurnRate,
    longBurnRate,
    firing: shortBurnRate > factor && longBurnRate > factor,
  };
};
const alerts: SloAlertStatus[] = [
  {
    severity: 'page',
    name: 'CheckoutHighErrorRate',
    firing: true,
    conditions: [
      condition('page', '5m', '1h', 14.4, 2),
      condition('page', '30m', '6h', 6, 5),
    ],
  },
  {
    severity: 'ticket',
    name: 'CheckoutHighErrorRate',
    firing: false,
    conditions: [
      condition('ticket', '2h', '1d', 3, 10),
      condition('ticket', '6h', '3d', 1, 10),
    ],
  },
];
const definition = {
  id: 'checkout-requests-availability',
  service: 'checkout',
  name: 'requests-availability',
  description: 'Share of HTTP requests answered without a 5xx.',
  objective: 99.9,
  period: '30d',
  format: 'prometheus/v1' as const,
};
const slo: SloStatus = {
  ...definition,
  sli: 1 - 0.00083681,
  errorRatio: 0.00083681,
  budget: {
    total: B,
    consumed: 0.83681,
    remaining: 0.16319,
    totalMinutes: 43.2,
    remainingMinutes: 43.2 * 0.16319,
  },
  currentBurnRate: 20,
  burnRates: windows.map(([window, errorRatio]) => ({
    window,
    errorRatio,
    burnRate: errorRatio / B,
  })),
  alerts,
  budgetHistory: Array.from({ length: 61 }, (_, i) => ({
    time: new Date(Date.UTC(2026, 9, 27) + i * 12 * 3600_000).toISOString(),
    remaining: i < 2 ? null : 0.6 - (i / 60) * 0.44,
  })),
};
const status = (s: Partial<EntitySlos>): EntitySlos => ({
  entityRef: 'component:default/checkout',
  source: 'https://github.com/acme/checkout/blob/main/slos.yaml',
  evaluatedAt: '2026-11-26T12:00:00.000Z',
  definitions: [definition],
  slos: [slo],
  ...s,
});

function render(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <SloCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('SloCard', () => {
  it('shows budget left, alert status, burn rates against thresholds and the budget history', async () => {
    const getSlos = jest.fn().mockResolvedValue(status({}));
    const getSloRules = jest
      .fn()
      .mockImplementation(async (_ref, format) =>
        format === 'rules'
          ? 'groups:\n  - name: sloth-slo-sli-recordings-checkout-requests-availability\n'
          : 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n',
      );
    await render({ getSlos, getSloRules });

    const panel = within(
      await screen.findByTestId('slo-checkout-requests-availability'),
    );
    expect(panel.getByTestId('slo-title')).toHaveTextContent(
      'requests-availability · 99.9 % over 30d · Share of HTTP requests answered without a 5xx.',
    );
    expect(panel.getByTestId('budget-text')).toHaveTextContent(
      '16.3 % left: 7 min of 43 min at full outage',
    );
    expect(
      panel.getByText('SLI 99.916 % · burning 20.00× now'),
    ).toBeInTheDocument();
    expect(
      panel.getByText('page CheckoutHighErrorRate: firing'),
    ).toBeInTheDocument();
    expect(
      panel.getByText('ticket CheckoutHighErrorRate: quiet'),
    ).toBeInTheDocument();

    const row = (w: string) => within(panel.getByText(w).closest('tr')!);
    expect(row('5m').getByText('2 %')).toBeInTheDocument();
    expect(row('5m').getByText('20.0×')).toBeInTheDocument();
    expect(
      row('5m').getByText('above page > 14.4× (5m and 1h)'),
    ).toBeInTheDocument();
    expect(row('6h').getByText('2.92×')).toBeInTheDocument();
    // 6h feeds the slow page pair (not reached) and the slow ticket pair (above 1×).
    expect(row('6h').getByText('page > 6× (30m and 6h)')).toBeInTheDocument();
    expect(
      row('6h').getByText('above ticket > 1× (6h and 3d)'),
    ).toBeInTheDocument();
    expect(row('3d').getByText('0.70×')).toBeInTheDocument();

    expect(
      panel.getByRole('img', {
        name: 'Error budget remaining of requests-availability over the last 30d: from 58.5 % to 16.0 %',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Spec: https://github.com/acme/checkout/blob/main/slos.yaml',
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Generated rules' }),
    );
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(dialog).toHaveTextContent(
        'name: sloth-slo-sli-recordings-checkout-requests-availability',
      ),
    );
    await userEvent.click(screen.getByRole('tab', { name: 'PrometheusRule' }));
    await waitFor(() =>
      expect(dialog).toHaveTextContent('kind: PrometheusRule'),
    );
    expect(getSloRules).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'checkout' }),
      'prometheusrule',
    );
  });

  it('says when no SLOs are declared', async () => {
    await render({
      getSlos: jest
        .fn()
        .mockResolvedValue(
          status({ source: undefined, definitions: [], slos: [] }),
        ),
    });
    expect(await screen.findByText('No SLOs declared')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Generated rules' }),
    ).not.toBeInTheDocument();
  });

  it('says when Prometheus has no data for an SLO', async () => {
    const empty: SloStatus = {
      ...slo,
      sli: null,
      errorRatio: null,
      currentBurnRate: null,
      budget: {
        ...slo.budget,
        consumed: null,
        remaining: null,
        remainingMinutes: null,
      },
      burnRates: slo.burnRates.map(r => ({
        ...r,
        errorRatio: null,
        burnRate: null,
      })),
      alerts: alerts.map(a => ({ ...a, firing: false })),
      budgetHistory: slo.budgetHistory.map(p => ({ ...p, remaining: null })),
    };
    await render({
      getSlos: jest.fn().mockResolvedValue(status({ slos: [empty] })),
    });
    expect(
      await screen.findByText(
        "No data: Prometheus has no traffic for this SLO's queries in the last 30d.",
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('budget-text')).toHaveTextContent(
      'Budget unknown',
    );
    expect(
      screen.getByRole('img', {
        name: 'No error budget history for requests-availability',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('page CheckoutHighErrorRate: quiet'),
    ).toBeInTheDocument();
  });

  it('shows why budgets are missing when Prometheus is unreachable, and retries', async () => {
    const error =
      'Prometheus at http://prometheus:9090 did not answer /api/v1/query for (sum(rate(...))): connection refused. Check gantry.prometheus.baseUrl and that Prometheus is running.';
    const getSlos = jest
      .fn()
      .mockResolvedValueOnce(status({ slos: [], error }))
      .mockResolvedValueOnce(status({}));
    await render({ getSlos });
    expect(
      await screen.findByText(`Error budgets are unavailable: ${error}`),
    ).toBeInTheDocument();
    // The declared SLOs are still listed.
    expect(
      screen.getByTestId('slo-definition-checkout-requests-availability'),
    ).toHaveTextContent('requests-availability · 99.9 % over 30d');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByTestId('slo-checkout-requests-availability'),
    ).toBeInTheDocument();
    expect(getSlos).toHaveBeenCalledTimes(2);
  });

  it('shows the error with a retry when the backend fails', async () => {
    const getSlos = jest
      .fn()
      .mockRejectedValue(new Error('Gantry backend unavailable'));
    await render({ getSlos });
    expect(
      await screen.findByText(/Could not load service level objectives/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Gantry backend unavailable/).length,
    ).toBeGreaterThan(0);
  });
});
