import { discoveryApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { GateVerdict, ReleaseRecord } from '@gantry/plugin-gantry-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gantryApiRef, type GantryApi } from '../../api/GantryApi';
import { ComplianceTab } from './ComplianceTab';
import { vulnerabilitySeries } from './VulnerabilityChart';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'gantry.dev/compliance-policy': 'default' },
  },
  spec: { owner: 'group:default/payments' },
};

const counts = (c: number, h: number) => ({
  CRITICAL: { total: c, fixable: c },
  HIGH: { total: h, fixable: 0 },
  MEDIUM: { total: 0, fixable: 0 },
  LOW: { total: 1, fixable: 0 },
  UNKNOWN: { total: 0, fixable: 0 },
});
const evidence = (
  id: string,
  version: string,
  summary: any,
  format: any = 'trivy',
) => ({
  id,
  entityRef: 'component:default/checkout',
  version,
  format,
  sha256: 'a'.repeat(64),
  sizeBytes: 10,
  uploadedBy: 'service:ci',
  uploadedAt: '2026-11-20T10:00:00Z',
  summary,
});
const releases: ReleaseRecord[] = [
  {
    entityRef: 'component:default/checkout',
    version: '1.5.0',
    commit: '0d6a3b2c9e8f',
    createdAt: '2026-11-21T10:00:00Z',
    evidence: [
      evidence('e1', '1.5.0', {
        headline: 'Trivy: 1 low',
        vulnerabilities: { counts: counts(0, 0), findings: [] },
      }),
      evidence(
        'e2',
        '1.5.0',
        {
          headline: 'JUnit: 12 passed, 0 failed, 0 skipped',
          tests: { total: 12, passed: 12, failed: 0, skipped: 0, failures: [] },
        },
        'junit',
      ),
    ],
  },
  {
    entityRef: 'component:default/checkout',
    version: '1.4.2',
    commit: 'ffee0011aabb',
    createdAt: '2026-11-20T10:00:00Z',
    evidence: [
      evidence('e3', '1.4.2', {
        headline: 'Trivy: 2 critical (2 fixable), 3 high',
        vulnerabilities: { counts: counts(2, 3), findings: [] },
      }),
    ],
  },
];
const verdict = (environment: string, pass: boolean): GateVerdict => ({
  entityRef: 'component:default/checkout',
  version: '1.5.0',
  environment,
  policy: 'default',
  verdict: pass ? 'pass' : 'fail',
  evaluatedAt: '2026-11-21T10:00:00Z',
  rules: pass
    ? [
        {
          rule: 'tests',
          status: 'pass',
          reason: '12 tests passed in 1 report(s).',
        },
      ]
    : [
        {
          rule: 'tests',
          status: 'pass',
          reason: '12 tests passed in 1 report(s).',
        },
        {
          rule: 'approvals',
          status: 'fail',
          reason:
            'No promotion request for 1.5.0 into production; request one from the Compliance tab.',
        },
      ],
});

function api(over: Partial<GantryApi> = {}): Partial<GantryApi> {
  return {
    listReleases: jest.fn().mockResolvedValue(releases),
    getOverview: jest.fn().mockResolvedValue({
      environments: ['staging', 'production'],
      approvalEnvironments: ['production'],
      capabilities: [],
      configuredCount: 1,
    }),
    listPromotions: jest.fn().mockResolvedValue([]),
    listGitopsChanges: jest.fn().mockResolvedValue([]),
    getGate: jest.fn((_ref, _v, env: string) =>
      Promise.resolve(verdict(env, env === 'staging')),
    ),
    requestPromotion: jest.fn().mockResolvedValue({}),
    getComplianceReport: jest.fn().mockResolvedValue({
      entityRef: 'component:default/checkout',
      from: '2026-08-28T00:00:00.000Z',
      to: '2026-11-26T00:00:00.000Z',
      generatedAt: '2026-11-26T10:00:00.000Z',
      auditHead: { seq: 17, hash: 'c'.repeat(64) },
      controls: [
        {
          control: 'CC8.1',
          title: 'Change management',
          status: 'fail',
          summary: '1 finding(s)',
          findings: [
            'Production deployment without an approved promotion request: revision 0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b deployed to production at 2026-11-20T10:00:00.000Z (release 1.4.2, application checkout-production).',
            'Emergency change not reviewed yet: revision 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432 deployed to production at 2026-11-21T10:00:00.000Z (release 1.4.3, application checkout-production), request r2.',
          ],
          evidence: [
            {
              kind: 'deployment',
              id: 'd1',
              label:
                '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b at 2026-11-20T10:00:00.000Z (release 1.4.2): unapproved',
              href: '/api/gantry/entities/default/component/checkout/deployments/history?environment=production',
            },
            {
              kind: 'promotion',
              id: 'r2',
              label:
                '1.4.3 into production: emergency (emergency, review pending)',
            },
          ],
        },
        {
          control: 'CC7.1',
          title: 'Vulnerability management',
          status: 'pass',
          summary: '1 release(s) reached production',
          findings: [],
          evidence: [
            {
              kind: 'evidence',
              id: 'e7',
              label: '1.4.3 trivy: Trivy: no vulnerabilities',
              href: '/api/gantry/entities/default/component/checkout/evidence/e7/content',
            },
          ],
        },
        {
          control: 'CC6.1',
          title: 'Logical access: who may promote',
          status: 'pass',
          summary: '2 people may approve',
          findings: [],
          evidence: [],
        },
      ],
      changes: [],
      deployments: [],
      eligibleApprovers: [],
    }),
    ...over,
  };
}

const render = (a: Partial<GantryApi>) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, a],
        [
          discoveryApiRef,
          { getBaseUrl: async () => 'http://localhost:7007/api/gantry' },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <ComplianceTab />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('ComplianceTab', () => {
  it('shows the evidence matrix, gate reasons per environment, and requests a promotion', async () => {
    const a = api();
    await render(a);
    expect(
      await screen.findByText('JUnit: 12 passed, 0 failed, 0 skipped'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Trivy: 2 critical (2 fixable), 3 high'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('JUnit: 12 passed, 0 failed, 0 skipped').closest('a'),
    ).toHaveAttribute(
      'href',
      'http://localhost:7007/api/gantry/entities/default/component/checkout/evidence/e2/content',
    );
    expect(screen.getAllByText('missing').length).toBeGreaterThan(0);
    expect(
      await screen.findByText(/No promotion request for 1.5.0 into production/),
    ).toBeInTheDocument();
    expect(a.getGate).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      '1.5.0',
      'production',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Request promotion to production' }),
    );
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', {
      name: 'Request approval',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('What does this release change?'),
      'Adds Apple Pay',
    );
    await userEvent.click(confirm);
    expect(a.requestPromotion).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      '1.5.0',
      { environment: 'production', reason: 'Adds Apple Pay' },
    );
  });

  it('shows each failing control line and the records each control rests on', async () => {
    await render(api());
    expect(
      await screen.findByText(
        /^Production deployment without an approved promotion request: revision 0d6a3b2c/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Emergency change not reviewed yet: revision 9f8e7d6c/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'deployment d1: 0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b at 2026-11-20T10:00:00.000Z (release 1.4.2): unapproved',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('evidence e7: 1.4.3 trivy: Trivy: no vulnerabilities'),
    ).toHaveAttribute(
      'href',
      'http://localhost:7007/api/gantry/entities/default/component/checkout/evidence/e7/content',
    );
    expect(screen.getByText('no records in the period')).toBeInTheDocument();
  });

  it('shows the secrets and failed configuration checks of a Trivy report in their own columns', async () => {
    const none = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
    const trivy: ReleaseRecord = {
      ...releases[0],
      evidence: [
        evidence('e9', '1.5.0', {
          headline:
            'Trivy: no vulnerabilities; 1 secret; 2 failed configuration checks',
          vulnerabilities: { counts: counts(0, 0), findings: [] },
          secrets: {
            tool: 'Trivy',
            total: 1,
            counts: { ...none, CRITICAL: 1 },
            findings: [],
          },
          misconfigurations: {
            failures: 2,
            counts: { ...none, HIGH: 1, LOW: 1 },
            findings: [],
          },
        }),
      ],
    };
    await render(api({ listReleases: jest.fn().mockResolvedValue([trivy]) }));
    expect(
      await screen.findByText('Trivy: 1 secret (1 critical)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Trivy: 2 failed configuration checks (1 high, 1 low)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Trivy: no vulnerabilities; 1 secret; 2 failed configuration checks',
      ),
    ).toBeInTheDocument();
  });

  it('folds a long list of failing lines after five, and unfolds it on request', async () => {
    const findings = Array.from(
      { length: 80 },
      (_, i) =>
        `Production deployment without an approved promotion request: revision r${i} deployed to production`,
    );
    const base = api();
    const report = await (base.getComplianceReport as jest.Mock)();
    report.controls[0] = { ...report.controls[0], findings };
    await render({
      ...base,
      getComplianceReport: jest.fn().mockResolvedValue(report),
    });
    expect(await screen.findByText(/revision r4 deployed/)).toBeInTheDocument();
    expect(screen.queryByText(/revision r5 deployed/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('and 75 more'));
    expect(screen.getByText(/revision r79 deployed/)).toBeInTheDocument();
  });

  it('says how CI uploads evidence when there are no releases', async () => {
    await render(api({ listReleases: jest.fn().mockResolvedValue([]) }));
    expect(
      (await screen.findAllByText('No releases yet')).length,
    ).toBeGreaterThan(0);
    expect(document.body.textContent).toContain(
      '/entities/default/component/checkout/releases/1.4.2/evidence/trivy?commit=$GIT_SHA',
    );
    expect(screen.getByText('No promotion requests yet')).toBeInTheDocument();
  });

  it('shows the error with a retry when the backend fails', async () => {
    const listReleases = jest
      .fn()
      .mockRejectedValueOnce(new Error('gantry backend unreachable'))
      .mockResolvedValue(releases);
    await render(api({ listReleases }));
    expect(
      await screen.findByText(/Could not load releases and evidence/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole('button', { name: 'Retry' })[0]);
    expect(
      await screen.findByText('JUnit: 12 passed, 0 failed, 0 skipped'),
    ).toBeInTheDocument();
  });

  it('charts vulnerabilities per release, oldest first', () => {
    expect(vulnerabilitySeries(releases)).toEqual([
      { version: '1.4.2', CRITICAL: 2, HIGH: 3, MEDIUM: 0, LOW: 1 },
      { version: '1.5.0', CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 1 },
    ]);
  });
});
