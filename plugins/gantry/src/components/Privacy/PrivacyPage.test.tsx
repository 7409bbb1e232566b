import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { ProcessingRecord } from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import { PrivacyPage } from './PrivacyPage';

const record: ProcessingRecord = {
  scope: 'catalog',
  generatedAt: '2026-12-03T12:00:00Z',
  activities: [
    {
      entityRef: 'component:default/checkout',
      system: 'system:default/shop',
      categories: ['contact', 'payment'],
      purposes: ['order fulfilment'],
      lawfulBasis: 'contract',
      processors: [{ name: 'Stripe' }],
      transfers: [{ region: 'US', safeguard: 'standard-contractual-clauses' }],
      encryptionInTransit: true,
    },
  ],
  invalid: [
    {
      entityRef: 'component:default/cart',
      reason: 'gantry.dev/personal-data: lawfulBasis must be one of consent, …',
    },
  ],
  undeclared: [],
};

describe('PrivacyPage', () => {
  it('lists the processing activities and the declarations it could not read', async () => {
    const fetch = jest.fn(
      async (_input: RequestInfo | URL) =>
        new Response(JSON.stringify(record), { status: 200 }),
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [fetchApiRef, { fetch }],
          [discoveryApiRef, { getBaseUrl: async () => 'http://gantry' }],
        ]}
      >
        <PrivacyPage />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('order fulfilment')).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith(
      'http://gantry/privacy/processing-record?format=json',
    );
    expect(screen.getByText('not set')).toBeInTheDocument();
    expect(screen.getByText('yes / not declared')).toBeInTheDocument();
    expect(
      screen.getByText('US (standard-contractual-clauses)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/lawfulBasis must be one of consent/),
    ).toBeInTheDocument();
  });
});
