import { renderInTestApp } from '@backstage/test-utils';
import type {
  GitopsChange,
  PromotionRequest,
} from '@gantry/plugin-gantry-common';
import { screen } from '@testing-library/react';
import { PromotionsCard } from './PromotionsCard';

const promotion = (id: string, version: string): PromotionRequest => ({
  id,
  entityRef: 'component:default/checkout',
  version,
  environment: 'production',
  requestedBy: 'user:default/alice',
  reason: 'Ship the new checkout',
  status: 'approved',
  requiredApprovals: 1,
  approverGroups: [],
  emergency: false,
  createdAt: '2026-12-01T10:00:00Z',
  expiresAt: '2026-12-04T10:00:00Z',
  decisions: [
    {
      decidedBy: 'user:default/bob',
      decision: 'approve',
      decidedAt: '2026-12-01T11:00:00Z',
    },
  ],
});
const change = (
  requestId: string,
  fields: Partial<GitopsChange>,
): GitopsChange => ({
  id: `c-${requestId}`,
  requestId,
  entityRef: 'component:default/checkout',
  version: '1.4.2',
  environment: 'production',
  mode: 'pull-request',
  repoUrl: 'https://github.com/acme/deploy',
  path: 'overlays/production/kustomization.yaml',
  tag: '1.4.2',
  status: 'proposed',
  attempts: 1,
  createdAt: '2026-12-01T11:00:00Z',
  updatedAt: '2026-12-01T11:00:01Z',
  ...fields,
});

describe('PromotionsCard', () => {
  it('links each request to its pull request or commit and shows why a Git change failed', async () => {
    await renderInTestApp(
      <PromotionsCard
        loading={false}
        retry={jest.fn()}
        value={[
          promotion('p1', '1.4.2'),
          promotion('p2', '1.4.1'),
          promotion('p3', '1.4.0'),
        ]}
        gitopsChanges={[
          change('p1', { url: 'https://github.com/acme/deploy/pull/42' }),
          change('p2', {
            mode: 'commit',
            status: 'committed',
            commitSha: 'aea9214b5a314b11eebb4dcf9a7d76dc42deb67f',
            url: 'https://github.com/acme/deploy/commit/aea9214b5a314b11eebb4dcf9a7d76dc42deb67f',
          }),
          change('p3', {
            status: 'failed',
            attempts: 2,
            error: 'connect ECONNREFUSED',
          }),
        ]}
      />,
    );
    expect(screen.getByText('pull request #42').closest('a')).toHaveAttribute(
      'href',
      'https://github.com/acme/deploy/pull/42',
    );
    expect(screen.getByText('commit aea9214').closest('a')).toHaveAttribute(
      'href',
      'https://github.com/acme/deploy/commit/aea9214b5a314b11eebb4dcf9a7d76dc42deb67f',
    );
    expect(
      screen.getByText('Git change failed (attempt 2)'),
    ).toBeInTheDocument();
  });
});
