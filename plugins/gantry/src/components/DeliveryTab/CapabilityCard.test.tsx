import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { CapabilityCard } from './CapabilityCard';

describe('CapabilityCard', () => {
  it('warns, with the reason, when the annotation is there but finds no application', async () => {
    await renderInTestApp(
      <CapabilityCard
        capability={{
          id: 'deployments',
          title: 'Deployments',
          description: 'Argo CD applications and their rollouts',
          configured: false,
          found: {
            'argocd/app-selector': 'app.kubernetes.io/name=payment-gateway',
          },
          missing: [
            {
              kind: 'annotation',
              keys: ['argocd/app-selector'],
              message:
                'No application found for selector app.kubernetes.io/name=payment-gateway on Argo CD main.',
            },
          ],
        }}
      />,
    );
    expect(screen.getByText('Needs configuration')).toBeInTheDocument();
    expect(screen.queryByText('Configured')).not.toBeInTheDocument();
    expect(screen.queryByText('Not enabled')).not.toBeInTheDocument();
    expect(
      screen.getByText(
        'No application found for selector app.kubernetes.io/name=payment-gateway on Argo CD main.',
      ),
    ).toBeInTheDocument();
  });

  it('keeps "Not enabled" for an entity without the annotation', async () => {
    await renderInTestApp(
      <CapabilityCard
        capability={{
          id: 'deployments',
          title: 'Deployments',
          description: 'Argo CD applications and their rollouts',
          configured: false,
          found: {},
          missing: [
            {
              kind: 'annotation',
              keys: ['argocd/app-name', 'argocd/app-selector'],
              message:
                'Add one of the annotations argocd/app-name or argocd/app-selector.',
            },
          ],
        }}
      />,
    );
    expect(screen.getByText('Not enabled')).toBeInTheDocument();
  });
});
