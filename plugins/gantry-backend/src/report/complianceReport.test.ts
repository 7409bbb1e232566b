import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  ComplianceReport,
  DeploymentRecord,
  PromotionRequest,
} from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';
import { denyOnlyUser } from '../__testUtils__/permissions';
import { gantryPlugin } from '../plugin';
import { reconcileDeployments } from './reconcileDeployments';
import { csvCell } from '../kernel/csv';

jest.setTimeout(120_000);
const databases = createTestDatabases();

const fixture = (n: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', 'evidence/parsers/__fixtures__', n),
  );
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const ci = () => mockCredentials.service.header();
const base = '/api/gantry/entities/default/component/checkout';
const commit = (c: string) => c.repeat(40);

/** checkout deploys through Argo CD as checkout-production; solo's team has one member. */
const entities: Entity[] = [
  ...complianceEntities.map(e =>
    e.metadata.name === 'checkout' && e.kind === 'Component'
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              'argocd/app-name': 'checkout-production',
            },
          },
        }
      : e,
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'solo', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/solo-team' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/solo-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'solo-team', namespace: 'default' },
    spec: { type: 'team', children: [], members: ['dana'] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/dana' }],
  },
];

describe.each(databases.eachSupportedId())(
  'compliance report on %s',
  databaseId => {
    let server: any;
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                environments: ['staging', 'production'],
                argocd: {
                  instances: [{ name: 'main', url: 'https://argocd.example' }],
                },
              },
            },
          }),
          denyOnlyUser('user:default/mallory'),
          catalogServiceMock.factory({ entities }),
          notificationsMock,
        ],
      }));
    });

    const upload = async (
      version: string,
      sha: string,
      files: Array<[string, string]>,
    ) => {
      for (const [file, format] of files) {
        const res = await request(server)
          .post(`${base}/releases/${version}/evidence/${format}?commit=${sha}`)
          .set('Authorization', ci())
          .set('Content-Type', 'application/octet-stream')
          .send(fixture(file));
        expect(res.status).toBe(201);
      }
    };
    const clean: Array<[string, string]> = [
      ['trivy-clean.json', 'trivy'],
      ['junit-testsuite-root.xml', 'junit'],
    ];

    /** What the README's argocd-notifications template sends for a finished sync. */
    const deploy = async (
      revision: string,
      startedAt: Date,
      environment = 'production',
    ) => {
      const res = await request(server)
        .post('/api/gantry/deployments/events')
        .set('Authorization', ci())
        .send({
          source: 'argocd',
          instance: 'main',
          application: 'checkout-production',
          labels: {
            'app.kubernetes.io/instance': 'checkout-production',
            'gantry.dev/environment': environment,
          },
          revision,
          phase: 'Succeeded',
          startedAt: startedAt.toISOString(),
          finishedAt: new Date(startedAt.getTime() + 20_000).toISOString(),
          commitTime: '<no value>',
          initiatedBy: { username: '', automated: 'true' },
        });
      expect(res.status).toBe(202);
    };

    const requestPromotion = async (version: string) => {
      const res = await request(server)
        .post(`${base}/releases/${version}/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: `Ship ${version}` });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const approve = async (id: string) => {
      const res = await request(server)
        .post(`/api/gantry/promotions/${id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve' });
      expect(res.body.status).toBe('approved');
    };
    const emergency = async (version: string) => {
      const res = await request(server)
        .post(`${base}/releases/${version}/promotions`)
        .set('Authorization', ci())
        .send({
          environment: 'production',
          reason: 'Card payments are down',
          emergency: true,
          requestedBy: 'user:default/alice',
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    const soon = (seconds: number) => new Date(Date.now() + seconds * 1000);
    const period = () =>
      `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(
        Date.now() + 86_400_000,
      ).toISOString()}`;
    const report = async (entityPath = base): Promise<ComplianceReport> => {
      const res = await request(server)
        .get(`${entityPath}/compliance-report?${period()}`)
        .set('Authorization', as('carol'));
      expect(res.status).toBe(200);
      return res.body;
    };
    const controlOf = (r: ComplianceReport, c: string) =>
      r.controls.find(x => x.control === c)!;

    it('CC8.1 fails on a production deployment no request covers, naming revision and time', async () => {
      await upload('1.4.2', commit('a'), clean);
      const at = soon(60);
      await deploy(commit('a'), at);
      await deploy(commit('9'), soon(120));
      // a staging deployment needs no approval
      await deploy(commit('a'), soon(30), 'staging');

      const r = await report();
      const cc81 = controlOf(r, 'CC8.1');
      expect(cc81.status).toBe('fail');
      expect(cc81.findings).toEqual([
        `Production deployment without an approved promotion request: revision ${commit(
          'a',
        )} deployed to production at ${at.toISOString()} (release 1.4.2, application checkout-production).`,
        expect.stringContaining(
          `revision ${commit('9')} deployed to production at ${soon(120)
            .toISOString()
            .slice(0, 15)}`,
        ),
      ]);
      expect(cc81.findings[1]).toContain('(no known release,');
      expect(r.deployments.map(d => [d.version, d.coverage])).toEqual([
        ['1.4.2', 'unapproved'],
        [undefined, 'unapproved'],
      ]);
      expect(cc81.evidence.filter(e => e.kind === 'deployment')).toHaveLength(
        2,
      );
      // a deployment that maps to no release also has no scan to show
      expect(controlOf(r, 'CC7.1').findings).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Revision ${commit('9')} deployed at .* maps to no release`,
          ),
        ),
      ]);
    });

    it('CC8.1 fails when the approval came only after the deployment', async () => {
      await upload('1.4.2', commit('a'), clean);
      await deploy(commit('a'), new Date(Date.now() - 60_000));
      await approve(await requestPromotion('1.4.2'));
      const cc81 = controlOf(await report(), 'CC8.1');
      expect(cc81.status).toBe('fail');
      expect(cc81.findings[0]).toMatch(
        /^Production deployment without an approved promotion request: revision a{40}/,
      );
    });

    it('CC8.1 and CC7.1 pass when each production deployment ships an approved, scanned release', async () => {
      await upload('1.4.2', commit('a'), clean);
      const id = await requestPromotion('1.4.2');
      await approve(id);
      await deploy(commit('a'), soon(60));
      // a Helm chart source: Argo CD records the chart version as the revision
      await deploy('1.4.2', soon(90));

      const r = await report();
      const cc81 = controlOf(r, 'CC8.1');
      expect(cc81).toMatchObject({ status: 'pass', findings: [] });
      expect(cc81.summary).toMatch(
        /^2 production deployment\(s\), each covered/,
      );
      expect(r.deployments.map(d => [d.coverage, d.requestId])).toEqual([
        ['approved', id],
        ['approved', id],
      ]);
      expect(cc81.evidence).toContainEqual(
        expect.objectContaining({
          kind: 'promotion',
          id,
          href: `${base}/promotions`,
        }),
      );
      const cc71 = controlOf(r, 'CC7.1');
      expect(cc71).toMatchObject({
        status: 'pass',
        summary:
          '1 release(s) reached production, each scanned; no fixable critical/high left unaccepted.',
      });
      const scan = cc71.evidence.find(e => e.kind === 'evidence')!;
      expect(scan.href).toBe(`${base}/evidence/${scan.id}/content`);
      const content = await request(server)
        .get(scan.href!)
        .set('Authorization', as('carol'));
      expect(content.text).toBe(fixture('trivy-clean.json').toString('utf8'));
    });

    it('shows an unreviewed emergency change as its own failing line until someone reviews it', async () => {
      await upload('1.4.3', commit('b'), clean);
      const id = await emergency('1.4.3');
      const at = soon(60);
      await deploy(commit('b'), at);

      let cc81 = controlOf(await report(), 'CC8.1');
      expect(cc81.status).toBe('fail');
      expect(cc81.findings).toEqual([
        `Emergency change not reviewed yet: revision ${commit(
          'b',
        )} deployed to production at ${at.toISOString()} (release 1.4.3, application checkout-production), request ${id}.`,
      ]);

      const review = await request(server)
        .post(`/api/gantry/promotions/${id}/review`)
        .set('Authorization', as('bob'))
        .send({ comment: 'Hotfix verified, stays' });
      expect(review.status).toBe(200);
      const r = await report();
      cc81 = controlOf(r, 'CC8.1');
      expect(cc81).toMatchObject({ status: 'pass', findings: [] });
      expect(r.deployments[0]).toMatchObject({
        coverage: 'emergency-reviewed',
        requestId: id,
      });
    });

    it('CC7.1 counts what shipped: a deployed release without a scan fails, an unshipped one does not count', async () => {
      await upload('2.0.0', commit('c'), [
        ['junit-testsuite-root.xml', 'junit'],
      ]);
      await upload('2.0.1', commit('d'), [['trivy-v2.json', 'trivy']]);
      await approve(await requestPromotion('2.0.0'));
      await deploy(commit('c'), soon(60));

      let cc71 = controlOf(await report(), 'CC7.1');
      expect(cc71.status).toBe('fail');
      expect(cc71.findings).toEqual([
        'Release 2.0.0 reached production without a vulnerability scan.',
      ]);
      expect(cc71.evidence.map(e => [e.kind, e.id])).toEqual([
        ['release', '2.0.0'],
      ]);

      // 2.0.1 has fixable criticals; once it ships, CC7.1 names them
      await approve(await requestPromotion('2.0.1'));
      await deploy(commit('d'), soon(120));
      cc71 = controlOf(await report(), 'CC7.1');
      expect(cc71.findings[1]).toMatch(
        /^Release 2\.0\.1 ships fixable .*CVE-2024-3094.* without an accepted exception\.$/,
      );
    });

    it('CC6.1 passes with two approvers and fails with one', async () => {
      const ok = controlOf(await report(), 'CC6.1');
      expect(ok).toMatchObject({
        status: 'pass',
        summary: '2 people may approve: user:default/alice, user:default/bob.',
      });
      expect(ok.evidence).toEqual([
        {
          kind: 'approver',
          id: 'user:default/alice',
          label: 'member of group:default/payments',
        },
        {
          kind: 'approver',
          id: 'user:default/bob',
          label: 'member of group:default/payments',
        },
      ]);
      const solo = controlOf(
        await report('/api/gantry/entities/default/component/solo'),
        'CC6.1',
      );
      expect(solo.status).toBe('fail');
      expect(solo.findings[0]).toContain(
        'Only 1 person may approve promotions (group:default/solo-team)',
      );
    });

    it('writes each control with its evidence to CSV and defuses formulas a webhook could plant', async () => {
      await deploy('=HYPERLINK("https://evil.example","open")', soon(60));
      const res = await request(server)
        .get(`${base}/compliance-report?${period()}&format=csv`)
        .set('Authorization', as('carol'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.text.split('\n');
      expect(lines).toContainEqual(
        expect.stringMatching(/^control,CC8\.1,Change management,fail,/),
      );
      const deployment = lines.find(l => l.startsWith('deployment,'))!;
      expect(deployment).toContain(
        `,"'=HYPERLINK(""https://evil.example"",""open"")",`,
      );
      expect(deployment).toMatch(/,unapproved,$/);
      expect(
        lines.some(l => /^evidence,CC8\.1,deployment,[0-9a-f-]{36},/.test(l)),
      ).toBe(true);
      expect(lines.some(l => /,=|^=/.test(l))).toBe(false);
    });

    it('answers 400 for a reversed period and 401 without a signed-in identity', async () => {
      const reversed = await request(server)
        .get(
          `${base}/compliance-report?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`,
        )
        .set('Authorization', as('carol'));
      expect(reversed.status).toBe(400);
      expect(reversed.body.error.message).toContain(
        'The period must end after it starts',
      );
      const anonymous = await request(server)
        .get(`${base}/compliance-report?${period()}`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });
  },
);

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['=a,"b"', `"'=a,""b"""`],
  ])('%j becomes %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });
});

describe('reconcileDeployments', () => {
  const deployment = (revision: string): DeploymentRecord => ({
    id: 'd1',
    entityRef: 'component:default/checkout',
    environment: 'production',
    instance: 'main',
    application: 'checkout-production',
    revision,
    startedAt: '2026-11-20T10:00:00.000Z',
    outcome: 'succeeded',
    rollback: false,
    manualIntervention: false,
    source: 'argocd-history',
  });
  const release = {
    entityRef: 'component:default/checkout',
    version: '1.4.2',
    commit: 'a'.repeat(40),
    createdAt: '2026-11-19T00:00:00.000Z',
    evidence: [],
  };
  const requestFor = (
    environment: string,
    decidedAt = '2026-11-20T09:00:00.000Z',
  ): PromotionRequest => ({
    id: `r-${environment}`,
    entityRef: 'component:default/checkout',
    version: '1.4.2',
    environment,
    requestedBy: 'user:default/alice',
    reason: 'x',
    status: 'approved',
    requiredApprovals: 1,
    approverGroups: [],
    emergency: false,
    createdAt: '2026-11-20T08:00:00.000Z',
    expiresAt: '2026-11-27T08:00:00.000Z',
    decidedAt,
    decisions: [],
  });

  it('finds the release in any source of a multi-source sync, whatever the case', () => {
    const [d] = reconcileDeployments(
      [deployment(`${'9'.repeat(40)},${'A'.repeat(40)}`)],
      [release],
      [requestFor('production')],
    );
    expect(d).toMatchObject({ version: '1.4.2', coverage: 'approved' });
  });

  it('does not let an approval for another environment, or one given after the start, cover it', () => {
    const [d] = reconcileDeployments(
      [deployment('a'.repeat(40))],
      [release],
      [
        requestFor('staging'),
        {
          ...requestFor('production', '2026-11-20T10:00:01.000Z'),
          id: 'late',
        },
      ],
    );
    expect(d).toMatchObject({ version: '1.4.2', coverage: 'unapproved' });
    expect(d.requestId).toBeUndefined();
  });
});
