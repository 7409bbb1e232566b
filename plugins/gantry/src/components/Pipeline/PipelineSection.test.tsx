import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  DeploymentsView,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { PipelineSection } from './PipelineSection';
import { pauseRemaining } from './RolloutProgress';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'argocd/app-name': 'checkout' },
  },
};
const rollout: RolloutView = {
  cluster: 'prod',
  namespace: 'shop',
  name: 'checkout',
  phase: 'Paused',
  message: 'CanaryPauseStep',
  strategy: 'canary',
  steps: [
    { index: 0, kind: 'setWeight', weight: 5 },
    { index: 1, kind: 'pause', duration: '15m' },
    { index: 2, kind: 'setWeight', weight: 25 },
    { index: 3, kind: 'pause', duration: '15m' },
    { index: 4, kind: 'setWeight', weight: 100 },
  ],
  currentStepIndex: 3,
  canaryWeight: 25,
  paused: true,
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2026-11-26T10:05:00Z' },
  ],
  pauseDuration: '15m',
  aborted: false,
  fullyPromoted: false,
  release: '1.5.0',
  analysisRuns: [
    {
      name: 'checkout-6f9c-7-2',
      phase: 'Running',
      stepIndex: 2,
      metrics: [
        {
          name: 'latency-p99',
          phase: 'Running',
          successCondition: 'result[0] < 0.5',
          count: 2,
          successful: 1,
          failed: 1,
          inconclusive: 0,
          error: 0,
          measurements: [
            { phase: 'Successful', value: '[0.301]' },
            { phase: 'Failed', value: '[0.734]' },
          ],
        },
      ],
    },
  ],
};
const view: DeploymentsView = {
  entityRef: 'component:default/checkout',
  environments: ['staging', 'production'],
  configured: { argocd: true, kubernetes: true },
  errors: [
    {
      source: 'argocd:eu',
      message: 'Argo CD eu answered 503 to /applications.',
    },
  ],
  applications: [
    {
      instance: 'main',
      name: 'checkout-staging',
      environment: 'staging',
      syncStatus: 'Synced',
      healthStatus: 'Suspended',
      revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'],
      sources: [],
      destination: { namespace: 'shop' },
      commit: {
        author: 'Alice Andersen',
        message: 'checkout: roll out 1.5.0 (Apple Pay)',
      },
      history: [],
      rollouts: [rollout],
    },
    {
      instance: 'main',
      name: 'checkout-production',
      environment: 'production',
      syncStatus: 'OutOfSync',
      healthStatus: 'Degraded',
      healthMessage: 'Rollout is aborted',
      revisions: ['9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '7.2.0'],
      sources: [],
      destination: { namespace: 'shop' },
      history: [],
      rollouts: [],
    },
  ],
};

function render(
  api: Partial<GantryApi>,
  allow = true,
  e: typeof entity = entity,
) {
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
      <EntityProvider entity={e}>
        <PipelineSection />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('PipelineSection', () => {
  it('shows environments in order, the canary at 25 %, measured values beside their conditions, and what failed to load', async () => {
    await render({ getDeployments: jest.fn().mockResolvedValue(view) });
    expect(
      await screen.findByText('checkout: roll out 1.5.0 (Apple Pay)'),
    ).toBeInTheDocument();
    const titles = screen
      .getAllByText(/^(staging|production)$/)
      .map(e => e.textContent);
    expect(titles).toEqual(['staging', 'production']);
    expect(
      screen.getByText(/Rollout checkout: Paused · 25 % canary/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('canary at 25 %')).toBeInTheDocument();
    expect(screen.getByText('result[0] < 0.5')).toBeInTheDocument();
    expect(screen.getByText('[0.734]')).toBeInTheDocument();
    expect(screen.getByText('Rollout is aborted')).toBeInTheDocument();
    expect(
      screen.getByText(/argocd:eu: Argo CD eu answered 503/),
    ).toBeInTheDocument();
  });

  it('promotes after confirmation, and hides actions the policy denies', async () => {
    const rolloutAction = jest
      .fn()
      .mockResolvedValue({ action: 'promote', patches: 1 });
    const getDeployments = jest.fn().mockResolvedValue(view);
    await render({ getDeployments, rolloutAction });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(/moves the canary to its next step/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    expect(rolloutAction).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      rollout,
      'promote',
    );
    expect(getDeployments).toHaveBeenCalledTimes(2);
  });

  const withHistory = (automated?: {
    prune?: boolean;
    selfHeal?: boolean;
  }) => ({
    ...view,
    applications: [
      {
        ...view.applications[1],
        automatedSync: automated,
        history: [
          { id: 2, revisions: ['9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'] },
          { id: 1, revisions: ['1111111111111111111111111111111111111111'] },
        ],
      },
    ],
  });

  // What the backend answers when the rollback undoes no migration (MigrationStep.test.tsx covers the rest).
  const noMigrationUndone = {
    historyId: 1,
    target: ['1.4.1'],
    undone: [],
    irreversible: [],
    unreported: [],
  };

  it('rolls an application back to its previous deployment after confirmation', async () => {
    const argocdAction = jest.fn().mockResolvedValue({
      action: 'rollback',
      application: 'checkout-production',
    });
    const manual = withHistory();
    await render({
      getDeployments: jest.fn().mockResolvedValue(manual),
      argocdAction,
      argocdRollbackCheck: jest.fn().mockResolvedValue(noMigrationUndone),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to #1' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        'This returns checkout-production to deployment #1 (11111111). Automated sync is off for checkout-production, so the rolled-back state stays until someone syncs.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(argocdAction).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      manual.applications[0],
      'rollback',
      { id: 1 },
    );
    expect(
      screen.queryByRole('button', { name: 'Turn automated sync on' }),
    ).not.toBeInTheDocument();
  });

  it('says an auto-synced app loses automated sync for the rollback, and turns it back on in one click', async () => {
    const policy = { prune: true, selfHeal: true };
    const argocdAction = jest
      .fn()
      .mockResolvedValueOnce({
        action: 'rollback',
        application: 'checkout-production',
        autoSyncDisabled: { previous: policy },
      })
      .mockResolvedValueOnce({
        action: 'enable-auto-sync',
        application: 'checkout-production',
        autoSyncEnabled: policy,
      });
    const synced = withHistory(policy);
    await render({
      getDeployments: jest.fn().mockResolvedValue(synced),
      argocdAction,
      argocdRollbackCheck: jest.fn().mockResolvedValue(noMigrationUndone),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to #1' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        /checkout-production syncs automatically, and Argo CD refuses to roll back such an app, so Gantry first turns automated sync off \(recorded in the audit log\)\. It stays off, also after a manual sync, until someone turns it back on here\./,
      ),
    ).toBeInTheDocument();
    // The old promise was false: a sync does not turn automated sync back on.
    expect(
      within(dialog).queryByText(/stops until someone syncs again/),
    ).not.toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText(/Emergency reason/),
      'checkout is down since 1.5.0',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(argocdAction).toHaveBeenLastCalledWith(
      expect.anything(),
      synced.applications[0],
      'rollback',
      { id: 1, emergency: { reason: 'checkout is down since 1.5.0' } },
    );
    expect(
      await screen.findByText(
        /Automated sync of checkout-production is off since the rollback \(it was on with prune, self-heal\)/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Turn automated sync on' }),
    );
    expect(argocdAction).toHaveBeenLastCalledWith(
      expect.anything(),
      synced.applications[0],
      'enable-auto-sync',
      { automated: policy },
    );
    expect(
      screen.queryByRole('button', { name: 'Turn automated sync on' }),
    ).not.toBeInTheDocument();
  });

  it('shows no action buttons without permission', async () => {
    await render({ getDeployments: jest.fn().mockResolvedValue(view) }, false, {
      ...entity,
      metadata: { ...entity.metadata, name: 'checkout-denied' },
    });
    expect(
      await screen.findByText('checkout: roll out 1.5.0 (Apple Pay)'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Promote' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Abort' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Sync' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Refresh' }),
    ).not.toBeInTheDocument();
  });

  it('explains an aborted canary and an inconclusive blue-green pre-promotion analysis', async () => {
    const aborted: RolloutView = {
      ...rollout,
      phase: 'Degraded',
      message:
        'RolloutAborted: Rollout aborted update to revision 8: Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
      paused: false,
      pauseConditions: [],
      aborted: true,
      canaryWeight: 0,
      analysisRuns: [
        {
          name: 'checkout-7c8d-8-2',
          phase: 'Failed',
          message:
            'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
          metrics: [
            {
              name: 'error-rate',
              phase: 'Failed',
              successCondition: 'result[0] < 0.01',
              count: 3,
              successful: 1,
              failed: 2,
              inconclusive: 0,
              error: 0,
              measurements: [
                { phase: 'Successful', value: '[0.0042]' },
                { phase: 'Failed', value: '[0.0371]' },
                { phase: 'Failed', value: '[0.0526]' },
              ],
            },
          ],
        },
      ],
    };
    const blueGreen: RolloutView = {
      ...rollout,
      name: 'checkout-worker',
      strategy: 'blueGreen',
      steps: [],
      canaryWeight: undefined,
      message: 'BlueGreenPause',
      pauseConditions: [
        { reason: 'BlueGreenPause', startTime: '2026-11-26T10:20:00Z' },
      ],
      activeSelector: '3f2e1d0c9b',
      previewSelector: '8d7c6b5a49',
      analysisRuns: [
        {
          name: 'checkout-worker-pre',
          phase: 'Inconclusive',
          rolloutType: 'PrePromotion',
          message:
            'Metric "smoke-latency-p95" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)',
          metrics: [
            {
              name: 'smoke-latency-p95',
              phase: 'Inconclusive',
              successCondition: 'result[0] < 0.3',
              failureCondition: 'result[0] > 0.6',
              count: 1,
              successful: 0,
              failed: 0,
              inconclusive: 1,
              error: 0,
              measurements: [{ phase: 'Inconclusive', value: '[0.41]' }],
            },
          ],
        },
      ],
    };
    const production = {
      ...view.applications[1],
      rollouts: [aborted, blueGreen],
    };
    await render({
      getDeployments: async () => ({
        ...view,
        errors: [],
        applications: [view.applications[0], production],
      }),
    });
    expect(
      await screen.findByText(/Rollout aborted update to revision 8/),
    ).toBeInTheDocument();
    expect(screen.getByText('[0.0526]')).toBeInTheDocument();
    expect(
      screen.getByText(/assessed Inconclusive due to inconclusive \(1\)/),
    ).toBeInTheDocument();
    expect(screen.getByText(/active 3f2e1d0c9b · preview/)).toBeInTheDocument();
    expect(screen.getByText('[0.41]')).toBeInTheDocument();
  });

  it('says how to configure Argo CD when none is', async () => {
    await render({
      getDeployments: jest.fn().mockResolvedValue({
        ...view,
        configured: { argocd: false, kubernetes: false },
        applications: [],
      }),
    });
    expect(
      await screen.findByText('No Argo CD is configured'),
    ).toBeInTheDocument();
  });

  it('names the selector that matched no application (not an anonymous empty pipeline)', async () => {
    await render(
      {
        getDeployments: jest
          .fn()
          .mockResolvedValue({ ...view, errors: [], applications: [] }),
      },
      true,
      {
        ...entity,
        metadata: {
          ...entity.metadata,
          name: 'payment-gateway',
          annotations: {
            'argocd/app-selector': 'app.kubernetes.io/name=payment-gateway',
          },
        },
      } as unknown as typeof entity,
    );
    expect(
      await screen.findByText(
        'No application found for selector app.kubernetes.io/name=payment-gateway',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error with a retry', async () => {
    await render({
      getDeployments: jest.fn().mockRejectedValue(new Error('backend down')),
    });
    expect(
      await screen.findByText(/Could not load the deployment pipeline/),
    ).toBeInTheDocument();
  });

  it('counts down a timed pause', () => {
    expect(pauseRemaining(rollout, Date.parse('2026-11-26T10:12:30Z'))).toBe(
      '7:30',
    );
    expect(pauseRemaining(rollout, Date.parse('2026-11-26T11:00:00Z'))).toBe(
      '0:00',
    );
    expect(
      pauseRemaining({ ...rollout, pauseDuration: undefined }, 0),
    ).toBeUndefined();
  });
});
