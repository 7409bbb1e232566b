import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import {
  annotationStatus,
  type EntityOverview,
} from '@gantry/plugin-gantry-common';
import type { Entity } from '@backstage/catalog-model';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { DeliveryTab } from './DeliveryTab';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'argocd/app-name': 'checkout',
      'gantry.dev/compliance-policy': 'default',
    },
  },
  spec: { owner: 'group:default/payments' },
};

function overviewFor(e: Entity): EntityOverview {
  const capabilities = annotationStatus(e);
  return {
    entityRef: 'component:default/checkout',
    title: 'checkout',
    configuredCount: capabilities.filter(c => c.configured).length,
    capabilities,
    environments: ['staging', 'production'],
    approvalEnvironments: ['production'],
  };
}

async function render(api: Partial<GantryApi>, e: Entity = entity) {
  api.getDeployments ??= jest.fn().mockResolvedValue({
    entityRef: 'component:default/checkout',
    environments: ['staging', 'production'],
    configured: { argocd: false, kubernetes: false },
    applications: [],
    errors: [],
  });
  api.getDeploymentHistory ??= jest.fn().mockResolvedValue({ items: [] });
  api.listIncidents ??= jest.fn().mockResolvedValue({ items: [] });
  api.getDora ??= jest.fn().mockRejectedValue(new Error('not in this test'));
  api.getCapacity ??= jest
    .fn()
    .mockRejectedValue(new Error('not in this test'));
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api]]}>
      <EntityProvider entity={e}>
        <DeliveryTab />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('DeliveryTab', () => {
  it('renders the overview with ready and missing capabilities', async () => {
    const getOverview = jest.fn().mockResolvedValue(overviewFor(entity));
    await render({ getOverview });
    expect(
      await screen.findByText(
        '2 of 6 delivery capabilities ready for checkout',
      ),
    ).toBeInTheDocument();
    expect(getOverview).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    expect(screen.getAllByText('Configured')).toHaveLength(2);
    expect(screen.getAllByText('Not enabled')).toHaveLength(4);
    expect(
      screen.getByText(
        'Add the annotation gantry.dev/feature-flags to metadata.annotations in catalog-info.yaml.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('argocd/app-name:')).toBeInTheDocument();
  });

  it('tells annotated-but-unconfigured capabilities apart from ones not enabled', async () => {
    const overview = overviewFor(entity);
    const deployments = overview.capabilities.find(
      c => c.id === 'deployments',
    )!;
    deployments.configured = false;
    deployments.missing = [
      {
        kind: 'config',
        keys: ['gantry.argocd.instances'],
        message: 'No Argo CD instance is configured.',
      },
    ];
    overview.configuredCount = 1;
    await render({ getOverview: jest.fn().mockResolvedValue(overview) });
    expect(await screen.findByText('Needs configuration')).toBeInTheDocument();
    expect(
      screen.getByText('No Argo CD instance is configured.'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Configured')).toHaveLength(1);
  });

  it('shows the empty state with what to add when nothing is ready', async () => {
    const bare: Entity = {
      ...entity,
      metadata: { name: 'checkout', namespace: 'default' },
    };
    await render(
      { getOverview: jest.fn().mockResolvedValue(overviewFor(bare)) },
      bare,
    );
    expect(
      await screen.findByText('Gantry is not set up for this entity yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Add one of the annotations argocd/app-name or argocd/app-selector to metadata.annotations in catalog-info.yaml.',
      ),
    ).toBeInTheDocument();
  });

  it('shows incidents for an entity whose SLOs page it, even without Argo CD', async () => {
    const sloOnly: Entity = {
      ...entity,
      metadata: {
        name: 'checkout',
        namespace: 'default',
        annotations: { 'gantry.dev/slo-spec': './slos/checkout.yaml' },
      },
    };
    const listIncidents = jest.fn().mockResolvedValue({ items: [] });
    await render(
      {
        getOverview: jest.fn().mockResolvedValue(overviewFor(sloOnly)),
        getSlos: jest.fn().mockRejectedValue(new Error('not in this test')),
        listIncidents,
      },
      sloOnly,
    );
    expect(await screen.findByText('Incidents')).toBeInTheDocument();
    expect(listIncidents).toHaveBeenCalled();
  });

  it('shows the backend error and retries', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No entity component:default/checkout in the catalog.',
        },
        request: { method: 'GET', url: '/overview' },
        response: { statusCode: 404 },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    const getOverview = jest
      .fn()
      .mockRejectedValueOnce(error)
      .mockResolvedValueOnce(overviewFor(entity));
    await render({ getOverview });
    expect(
      await screen.findByText(/Could not load the delivery overview/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(
        /No entity component:default\/checkout in the catalog/,
      ).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText(
        '2 of 6 delivery capabilities ready for checkout',
      ),
    ).toBeInTheDocument();
  });
});
