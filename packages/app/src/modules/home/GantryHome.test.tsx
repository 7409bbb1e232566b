import {
  discoveryApiRef,
  fetchApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { GantryPages, NeedsAttention } from './GantryHome';

/** Answers shaped like the Gantry backend's, keyed by path. */
function backend(answers: Record<string, unknown>) {
  const discovery: DiscoveryApi = {
    getBaseUrl: async () => 'http://gantry.test/api/gantry',
  };
  const fetchApi: FetchApi = {
    fetch: async input => {
      const path = String(input).replace('http://gantry.test/api/gantry', '');
      return path in answers
        ? new Response(JSON.stringify(answers[path]))
        : new Response('{}', { status: 404 });
    },
  };
  return [
    [discoveryApiRef, discovery],
    [fetchApiRef, fetchApi],
  ] as const;
}

describe('Home', () => {
  it("links Gantry's pages", async () => {
    renderInTestApp(<GantryPages />);
    for (const [name, href] of [
      ['Approvals', '/gantry/approvals'],
      ['Rollouts', '/gantry/rollouts'],
      ['On call', '/gantry/on-call'],
      ['Catalog', '/catalog'],
    ])
      expect(await screen.findByRole('link', { name })).toHaveAttribute(
        'href',
        href,
      );
  });

  it('lists the entities that need someone, from the on-call, approvals and rollouts APIs', async () => {
    renderInTestApp(<NeedsAttention />, {
      apis: backend({
        '/incidents/on-call': {
          items: [
            {
              entityRef: 'component:default/checkout',
              title: 'CheckoutHighErrorRate',
              status: 'open',
            },
          ],
        },
        '/promotions/awaiting': { items: [] },
        '/rollouts/attention': {
          items: [
            {
              entityRef: 'component:default/payment-gateway',
              environment: 'staging',
              reason: 'analysis-failed',
            },
          ],
        },
      }),
    });
    expect(
      await screen.findByText('incident open: CheckoutHighErrorRate'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('rollout in staging: analysis failed'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'component:default/payment-gateway' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payment-gateway/delivery',
    );
  });

  it('says what failed instead of showing nothing', async () => {
    renderInTestApp(<NeedsAttention />, {
      apis: backend({ '/incidents/on-call': { items: [] } }),
    });
    expect(
      await screen.findByText(/\/promotions\/awaiting answered 404/),
    ).toBeInTheDocument();
  });
});
