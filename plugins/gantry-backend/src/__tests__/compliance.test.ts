import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { denyOnlyUser } from '../__testUtils__/permissions';
import type { Knex } from 'knex';
import { gantryPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  complianceEntities,
  notificationsMock,
  sentNotifications,
} from '../__testUtils__/compliance';

jest.setTimeout(90_000);
const databases = createTestDatabases();
const fixture = (n: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', 'evidence/parsers/__fixtures__', n),
  );
const DIGEST =
  'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const ci = () => mockCredentials.service.header();
const base = '/api/gantry/entities/default/component/checkout';

describe.each(databases.eachSupportedId())(
  'compliance API on %s',
  databaseId => {
    let server: any;
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      sentNotifications.length = 0;
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                compliance: {
                  trustedBuilders: [
                    'https://github.com/actions/runner/github-hosted',
                  ],
                  approvals: {
                    extraApproverGroups: {
                      production: ['group:default/security'],
                    },
                  },
                },
              },
            },
          }),
          // mallory is denied everything by the policy; everyone else is allowed
          denyOnlyUser('user:default/mallory'),
          catalogServiceMock.factory({ entities: complianceEntities }),
          notificationsMock,
        ],
      }));
    });

    const upload = (
      file: string,
      format: string,
      version = '1.4.2',
      query = `?commit=${COMMIT}&imageDigest=${DIGEST}`,
    ) =>
      request(server)
        .post(`${base}/releases/${version}/evidence/${format}${query}`)
        .set('Authorization', ci())
        .set('Content-Type', 'application/octet-stream')
        .send(fixture(file));

    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    it('stores evidence with its sha256 and summary, idempotently, and audits it once', async () => {
      const first = await upload('trivy-v2.json', 'trivy');
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        entityRef: 'component:default/checkout',
        version: '1.4.2',
        format: 'trivy',
        sizeBytes: fixture('trivy-v2.json').length,
      });
      expect(first.body.uploadedBy).toMatch(/^service:/);
      expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);
      const again = await upload('trivy-v2.json', 'trivy');
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);

      const raw = await request(server)
        .get(`${base}/evidence/${first.body.id}/content`)
        .set('Authorization', as('alice'));
      expect(raw.status).toBe(200);
      expect(raw.headers['content-type']).toContain('application/json');
      expect(raw.headers['content-disposition']).toMatch(
        /filename="1\.4\.2-trivy-[0-9a-f]{12}\.json"/,
      );
      expect(raw.text).toBe(fixture('trivy-v2.json').toString('utf8'));

      const releases = await request(server)
        .get(`${base}/releases`)
        .set('Authorization', as('carol'));
      expect(releases.body.items).toHaveLength(1);
      expect(releases.body.items[0]).toMatchObject({
        commit: COMMIT,
        imageDigest: DIGEST,
      });
      expect(releases.body.items[0].evidence).toHaveLength(1);

      const verify = await request(server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', as('alice'));
      expect(verify.body).toMatchObject({ ok: true, checked: 1 });
    });

    it('answers 400 naming the format and path, storing nothing', async () => {
      const res = await upload('trivy-missing-severity.json', 'trivy');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Invalid trivy evidence at Results[0].Vulnerabilities[0].Severity: Required',
      );
      expect(await count('gantry_releases')).toBe(0);
      expect(await count('gantry_evidence')).toBe(0);
      expect(await count('gantry_audit_log')).toBe(0);
    });

    it('checks identity, entity, format, commit and size', async () => {
      const anon = await request(server)
        .post(`${base}/releases/1.0.0/evidence/trivy?commit=${COMMIT}`)
        .set('Authorization', mockCredentials.none.header())
        .send(fixture('trivy-v2.json'));
      expect(anon.status).toBe(401);

      const denied = await request(server)
        .post(`${base}/releases/1.0.0/evidence/trivy?commit=${COMMIT}`)
        .set('Authorization', as('mallory'))
        .set('Content-Type', 'application/json')
        .send(fixture('trivy-v2.json'));
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('gantry.evidence.upload');

      const unknown = await request(server)
        .post(
          `/api/gantry/entities/default/component/nope/releases/1.0.0/evidence/trivy?commit=${COMMIT}`,
        )
        .set('Authorization', ci())
        .send(fixture('trivy-v2.json'));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain('component:default/nope');

      const format = await upload('trivy-v2.json', 'grype');
      expect(format.status).toBe(400);
      expect(format.body.error.message).toMatch(
        /Unknown evidence format 'grype'. Use one of: trivy, sarif/,
      );

      const noCommit = await upload('trivy-v2.json', 'trivy', '2.0.0', '');
      expect(noCommit.status).toBe(400);
      expect(noCommit.body.error.message).toContain(
        'pass the commit it was built from as ?commit=<sha>',
      );

      await upload('trivy-v2.json', 'trivy');
      const otherCommit = await upload(
        'sarif-codeql.json',
        'sarif',
        '1.4.2',
        `?commit=${'f'.repeat(40)}`,
      );
      expect(otherCommit.status).toBe(409);

      const big = await request(server)
        .post(`${base}/releases/1.0.0/evidence/trivy?commit=${COMMIT}`)
        .set('Authorization', ci())
        .set('Content-Type', 'application/json')
        .send(Buffer.alloc(5 * 1024 * 1024 + 10, 32));
      expect(big.status).toBe(413);
      expect(big.body.error.message).toContain('the limit per evidence file');
      expect(await count('gantry_evidence')).toBe(1);
    });

    const gate = async (env: string, version = '1.4.2') =>
      (
        await request(server)
          .get(`${base}/releases/${version}/gates/${env}`)
          .set('Authorization', ci())
      ).body;
    const byRule = (v: any) =>
      Object.fromEntries(v.rules.map((r: any) => [r.rule, r]));

    it('evaluates the production gate rule by rule and passes once evidence and approval are in', async () => {
      await upload('trivy-v2.json', 'trivy');
      let v = await gate('production');
      expect(v.verdict).toBe('fail');
      let r = byRule(v);
      expect(r.vulnerabilities.reason).toContain(
        'CVE-2024-3094, GHSA-c2qf-rxjj-qqgw',
      );
      expect(r.tests.reason).toMatch(/^No test results uploaded/);
      expect(r.sbom.status).toBe('fail');
      expect(r.provenance.status).toBe('fail');
      expect(r['secret-scan'].status).toBe('fail');
      expect(r.approvals.reason).toMatch(/^No promotion request/);
      expect(r['slo-budget']).toMatchObject({ status: 'not-applicable' });

      // staging only asks for vulnerabilities and tests
      expect((await gate('staging')).rules.map((x: any) => x.rule)).toEqual([
        'vulnerabilities',
        'tests',
      ]);

      for (const [file, format] of [
        ['junit-testsuite-root.xml', 'junit'],
        // an SBOM that lists components: the 0-component minimal one fails the sbom rule
        ['cyclonedx-1.5.json', 'cyclonedx'],
        ['slsa-provenance-dsse.json', 'in-toto'],
        ['sarif-gitleaks-clean.json', 'sarif'],
      ]) {
        expect((await upload(file, format)).status).toBe(201);
      }
      // accept the two fixable findings for now
      for (const id of ['CVE-2024-3094', 'GHSA-c2qf-rxjj-qqgw']) {
        const res = await request(server)
          .put(`${base}/vulnerability-allowlist/${id}`)
          .set('Authorization', as('alice'))
          .send({
            justification:
              'Not reachable from the checkout code path; fix scheduled.',
            expiresAt: new Date(Date.now() + 7 * 86400000).toISOString(),
          });
        expect(res.status).toBe(200);
      }
      r = byRule(await gate('production'));
      expect(r.vulnerabilities.status).toBe('pass');
      expect(r.vulnerabilities.reason).toContain('2 allowlisted');
      expect(r.tests.status).toBe('pass');
      expect(r.sbom.status).toBe('pass');
      expect(r.provenance.reason).toBe(
        // the DSSE fixture's signature is checked by nothing configured here
        `Provenance from https://github.com/actions/runner/github-hosted covers image ${DIGEST}, signature unverified.`,
      );
      expect(r['secret-scan'].status).toBe('pass');
      expect(r.approvals.status).toBe('fail');

      // alice asks, alice cannot approve her own request, carol is not an owner, bob approves
      const req = await request(server)
        .post(`${base}/releases/1.4.2/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: 'Adds Apple Pay' });
      expect(req.status).toBe(201);
      expect(sentNotifications).toHaveLength(1);
      expect(sentNotifications[0]).toMatchObject({
        recipients: {
          type: 'entity',
          // The owners and approver groups by name, without alice, who requested (issue 16).
          entityRef: ['user:default/bob', 'user:default/sam'],
        },
      });
      expect(byRule(await gate('production')).approvals.reason).toContain(
        'is pending (0 of 1 approvals)',
      );

      const own = await request(server)
        .post(`/api/gantry/promotions/${req.body.id}/decision`)
        .set('Authorization', as('alice'))
        .send({ decision: 'approve' });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toContain('segregation of duties');

      const outsider = await request(server)
        .post(`/api/gantry/promotions/${req.body.id}/decision`)
        .set('Authorization', as('carol'))
        .send({ decision: 'approve' });
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toContain(
        'user:default/carol is not a member',
      );

      const awaiting = await request(server)
        .get('/api/gantry/promotions/awaiting')
        .set('Authorization', as('bob'));
      expect(awaiting.body.items.map((p: any) => p.id)).toEqual([req.body.id]);
      const none = await request(server)
        .get('/api/gantry/promotions/awaiting')
        .set('Authorization', as('alice'));
      expect(none.body.items).toEqual([]);

      const ok = await request(server)
        .post(`/api/gantry/promotions/${req.body.id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve', comment: 'Looks good' });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('approved');

      v = await gate('production');
      expect(v.verdict).toBe('pass');
      expect(byRule(v).approvals.reason).toContain(
        'Approved by user:default/bob',
      );

      const verify = await request(server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', as('alice'));
      // 5 uploads + 2 allowlist entries + request + approval
      expect(verify.body).toMatchObject({ ok: true, checked: 9 });
    });

    it('lets an extra approver group decide, needs a comment to reject, and keeps emergencies reviewable', async () => {
      await upload('trivy-clean.json', 'trivy');
      const mk = (user: string, body: object) =>
        request(server)
          .post(`${base}/releases/1.4.2/promotions`)
          .set('Authorization', as(user))
          .send(body);
      const p1 = await mk('alice', {
        environment: 'production',
        reason: 'Routine release',
      });
      const noComment = await request(server)
        .post(`/api/gantry/promotions/${p1.body.id}/decision`)
        .set('Authorization', as('sam'))
        .send({ decision: 'reject' });
      expect(noComment.status).toBe(400);
      const rejected = await request(server)
        .post(`/api/gantry/promotions/${p1.body.id}/decision`)
        .set('Authorization', as('sam'))
        .send({
          decision: 'reject',
          comment: 'Needs the pen-test sign-off first',
        });
      expect(rejected.body.status).toBe('rejected');

      const staging = await mk('alice', {
        environment: 'staging',
        reason: 'x is fine',
      });
      expect(staging.status).toBe(400);
      expect(staging.body.error.message).toContain('need no approval');

      const anonymousPipeline = await request(server)
        .post(`${base}/releases/1.4.2/promotions`)
        .set('Authorization', mockCredentials.service.header())
        .send({ environment: 'production', reason: 'automated' });
      expect(anonymousPipeline.status).toBe(400);
      expect(anonymousPipeline.body.error.message).toContain('set requestedBy');
      const ghost = await request(server)
        .post(`${base}/releases/1.4.2/promotions`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          environment: 'production',
          reason: 'automated',
          requestedBy: 'user:default/ghost',
        });
      expect(ghost.status).toBe(400);
      const spoof = await mk('alice', {
        environment: 'production',
        reason: 'as bob',
        requestedBy: 'user:default/bob',
      });
      expect(spoof.status).toBe(403);

      const em = await request(server)
        .post(`${base}/releases/1.4.2/promotions`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          environment: 'production',
          reason: 'Card payments are down',
          emergency: true,
          requestedBy: 'user:default/alice',
        });
      expect(em.status).toBe(201);
      expect(em.body).toMatchObject({
        status: 'emergency',
        reviewStatus: 'pending',
      });
      expect(byRule(await gate('production')).approvals.reason).toContain(
        'review pending',
      );
      const selfReview = await request(server)
        .post(`/api/gantry/promotions/${em.body.id}/review`)
        .set('Authorization', as('alice'))
        .send({ comment: 'fine' });
      expect(selfReview.status).toBe(403);
      const review = await request(server)
        .post(`/api/gantry/promotions/${em.body.id}/review`)
        .set('Authorization', as('bob'))
        .send({ comment: 'Hotfix verified, stays' });
      expect(review.body).toMatchObject({
        reviewStatus: 'done',
        reviewedBy: 'user:default/bob',
      });
    });
  },
);
