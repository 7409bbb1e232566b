import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  CapacityEnvironment,
  EntityCapacity,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { CapacityCard } from './CapacityCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const MIB = 1024 * 1024;
const none = { usage: null, limit: null, ratio: null, daysToLimit: null };
const production: CapacityEnvironment = {
  environment: 'production',
  namespace: 'shop-production',
  cpu: { usage: 0.6164, limit: 1, ratio: 0.6164, daysToLimit: 1.92 },
  memory: {
    usage: 1200 * MIB,
    limit: 2048 * MIB,
    ratio: 1200 / 2048,
    daysToLimit: null,
  },
  hpa: { currentReplicas: 4, maxReplicas: 4, atMax: true },
};
const staging: CapacityEnvironment = {
  environment: 'staging',
  namespace: 'shop-staging',
  cpu: { usage: 0.1, limit: 1, ratio: 0.1, daysToLimit: 30.4 },
  memory: { usage: 256 * MIB, limit: 512 * MIB, ratio: 0.5, daysToLimit: 0.25 },
  hpa: { currentReplicas: 2, maxReplicas: 6, atMax: false },
};
const qa: CapacityEnvironment = {
  environment: 'qa',
  namespace: 'shop-qa',
  cpu: none,
  memory: none,
  hpa: null,
  reason:
    'No usage with limits and no HPA series for container "checkout" in namespace shop-qa.',
};
const capacity = (c: Partial<EntityCapacity>): EntityCapacity => ({
  entityRef: 'component:default/checkout',
  evaluatedAt: '2026-11-26T12:00:00.000Z',
  container: 'checkout',
  forecastWindow: '1d',
  environments: [staging, production, qa],
  ...c,
});

function render(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <CapacityCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('CapacityCard', () => {
  it('shows use of limits, forecasts and HPA replicas per environment, with a chart', async () => {
    await render({ getCapacity: jest.fn().mockResolvedValue(capacity({})) });
    const prod = within(await screen.findByTestId('capacity-production'));
    expect(prod.getByText('production (shop-production)')).toBeInTheDocument();
    expect(prod.getByTestId('capacity-production-cpu')).toHaveTextContent(
      'CPU 61.6 % of 1 core (616m used) · limit reached in ~2 days',
    );
    expect(prod.getByTestId('capacity-production-memory')).toHaveTextContent(
      'Memory 58.6 % of 2 GiB (1.2 GiB used) · no rising trend in the last 1d',
    );
    expect(prod.getByTestId('capacity-production-hpa')).toHaveTextContent(
      'HPA 4 of 4 replicas at max replicas',
    );
    const stage = within(screen.getByTestId('capacity-staging'));
    expect(stage.getByTestId('capacity-staging-memory')).toHaveTextContent(
      'limit reached in ~6 h',
    );
    expect(stage.getByTestId('capacity-staging-cpu')).toHaveTextContent(
      'limit reached in ~30 days',
    );
    expect(stage.queryByText('at max replicas')).not.toBeInTheDocument();
    expect(screen.getByTestId('capacity-qa')).toHaveTextContent(
      'No usage with limits and no HPA series for container "checkout" in namespace shop-qa.',
    );
    expect(
      screen.getByRole('img', {
        name: 'Use of limits per environment: staging (shop-staging) CPU 10.0 %, memory 50.0 %, 2 of 6 replicas; production (shop-production) CPU 61.6 %, memory 58.6 %, 4 of 4 replicas; qa (shop-qa) CPU —, memory —',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Container checkout · forecasts from the trend of the last 1d (once an hour of history exists)',
      ),
    ).toBeInTheDocument();
  });

  it('explains an empty answer with the reason the backend gives', async () => {
    await render({
      getCapacity: jest.fn().mockResolvedValue(
        capacity({
          environments: [],
          emptyReason:
            'Prometheus has no cAdvisor (…) series for container "checkout".',
        }),
      ),
    });
    expect(await screen.findByText('No capacity data')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Prometheus has no cAdvisor (…) series for container "checkout".',
      ),
    ).toBeInTheDocument();
  });

  it('shows why capacity is unavailable and retries', async () => {
    const getCapacity = jest
      .fn()
      .mockResolvedValueOnce(
        capacity({
          environments: [],
          error:
            'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to show capacity headroom.',
        }),
      )
      .mockResolvedValue(capacity({}));
    await render({ getCapacity });
    expect(
      await screen.findByText(
        /Capacity is unavailable: No Prometheus is configured/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByTestId('capacity-production'),
    ).toBeInTheDocument();
    expect(getCapacity).toHaveBeenCalledTimes(2);
  });

  it('shows a request failure with a retry', async () => {
    await render({
      getCapacity: jest.fn().mockRejectedValue(new Error('backend down')),
    });
    expect(
      await screen.findByText(/Could not load capacity headroom/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
