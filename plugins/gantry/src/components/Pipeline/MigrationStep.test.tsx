import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  ApplicationView,
  DeploymentsView,
  RollbackMigrationCheck,
} from '@gantry/plugin-gantry-common';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { PipelineSection } from './PipelineSection';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'argocd/app-name': 'checkout-staging' },
  },
};
const REASON =
  'drops legacy_total after 1.4 stopped reading it; the data was copied into total_cents in 1.4.0';
const app = (migration?: ApplicationView['migration']): ApplicationView => ({
  instance: 'main',
  name: 'checkout-staging',
  environment: 'staging',
  syncStatus: 'Synced',
  healthStatus: 'Healthy',
  revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'],
  sources: [],
  destination: { namespace: 'shop' },
  history: [
    { id: 2, revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'] },
    { id: 1, revisions: ['1111111111111111111111111111111111111111'] },
  ],
  rollouts: [],
  ...(migration ? { migration } : {}),
});
const view = (a: ApplicationView): DeploymentsView => ({
  entityRef: 'component:default/checkout',
  environments: ['staging', 'production'],
  configured: { argocd: true, kubernetes: true },
  errors: [],
  applications: [a],
});
const irreversible: RollbackMigrationCheck = {
  historyId: 1,
  target: ['1.4.1'],
  undone: ['1.4.2'],
  irreversible: [
    {
      release: '1.4.2',
      forwardOnly: [{ file: 'V8__drop_legacy_total.sql', reason: REASON }],
    },
  ],
  unreported: [],
};

function render(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, api],
        [
          permissionApiRef,
          { authorize: async () => ({ result: AuthorizeResult.ALLOW }) },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <PipelineSection />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('migration step and rollback past a forward-only migration', () => {
  it('shows the failed migration Job, the release and its forward-only plan on the environment card', async () => {
    await render({
      getDeployments: jest.fn().mockResolvedValue(
        view(
          app({
            phase: 'Failed',
            jobs: [
              {
                name: 'checkout-migrate',
                namespace: 'shop',
                phase: 'Failed',
                message: 'Job has reached the specified backoff limit',
              },
            ],
            revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'],
            release: '1.4.2',
            plan: {
              files: 1,
              findings: { total: 3, errors: 0, warnings: 3 },
              breaking: 0,
              reversible: 0,
              forwardOnly: [
                { file: 'V8__drop_legacy_total.sql', reason: REASON },
              ],
            },
          }),
        ),
      ),
    });
    const step = await screen.findByTestId('migration-step');
    expect(within(step).getByText('Failed')).toBeInTheDocument();
    expect(within(step).getByText('release 1.4.2')).toBeInTheDocument();
    expect(
      within(step).getByText(
        'Job checkout-migrate: Job has reached the specified backoff limit',
      ),
    ).toBeInTheDocument();
    expect(
      within(step).getByText('1 migration file · 3 squawk findings (0 errors)'),
    ).toBeInTheDocument();
    expect(step).toHaveTextContent(
      `Rollback: V8__drop_legacy_total.sql is forward-only: ${REASON}`,
    );
  });

  it('says when the release has no migration report, and shows no step for an app without one', async () => {
    const { unmount } = await render({
      getDeployments: jest.fn().mockResolvedValue(
        view(
          app({
            phase: 'Running',
            jobs: [{ name: 'checkout-migrate', phase: 'Running' }],
            revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'],
            release: '1.4.3',
          }),
        ),
      ),
    });
    expect(
      await screen.findByText(
        'No migration report for 1.4.3: CI uploads one as evidence format migration.',
      ),
    ).toBeInTheDocument();
    unmount();
    await render({ getDeployments: jest.fn().mockResolvedValue(view(app())) });
    expect(await screen.findByText('staging')).toBeInTheDocument();
    expect(screen.queryByTestId('migration-step')).not.toBeInTheDocument();
  });

  it('warns naming the plan and confirms a rollback past a forward-only migration only once acknowledged', async () => {
    const argocdAction = jest.fn().mockResolvedValue({
      action: 'rollback',
      application: 'checkout-staging',
    });
    const argocdRollbackCheck = jest.fn().mockResolvedValue(irreversible);
    const a = app();
    await render({
      getDeployments: jest.fn().mockResolvedValue(view(a)),
      argocdAction,
      argocdRollbackCheck,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to #1' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        /Release 1\.4\.2 ran a migration that cannot be undone:/,
      ),
    ).toHaveTextContent(
      `Release 1.4.2 ran a migration that cannot be undone: V8__drop_legacy_total.sql is forward-only: ${REASON}.`,
    );
    expect(argocdRollbackCheck).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      a,
      1,
    );
    const confirm = within(dialog).getByRole('button', { name: 'Confirm' });
    expect(confirm).toBeDisabled();
    fireEvent.click(confirm);
    expect(argocdAction).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('checkbox', {
        name: '1.4.1 works with the schema 1.4.2 left: roll back anyway',
      }),
    );
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(argocdAction).toHaveBeenCalledWith(
      expect.anything(),
      a,
      'rollback',
      { id: 1, acknowledgeIrreversibleMigration: true },
    );
  });

  it('asks for no acknowledgement when every undone migration has a down migration', async () => {
    const argocdAction = jest.fn().mockResolvedValue({
      action: 'rollback',
      application: 'checkout-staging',
    });
    await render({
      getDeployments: jest.fn().mockResolvedValue(view(app())),
      argocdAction,
      argocdRollbackCheck: jest
        .fn()
        .mockResolvedValue({ ...irreversible, irreversible: [] }),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back to #1' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        /Every migration of 1\.4\.2 has a down migration/,
      ),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('checkbox')).not.toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(argocdAction).toHaveBeenCalledWith(
      expect.anything(),
      expect.anything(),
      'rollback',
      { id: 1 },
    );
  });
});
