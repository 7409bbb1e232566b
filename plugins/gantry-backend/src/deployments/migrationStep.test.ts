import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { notificationsMock } from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';
import { readFixture } from '../__testUtils__/fixtures';
import { denyOnlyUser } from '../__testUtils__/permissions';
import { migrationJobs, worstPhase } from './migrationStep';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const ENTITY = '/api/gantry/entities/default/component/checkout';
const COMMIT = 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe';
const REV_1 = '1'.repeat(40); // history #1: release 1.4.1
const REV_2 = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'; // history #2: release 1.4.2
const FORWARD_ONLY =
  'drops legacy_total after 1.4 stopped reading it; the data was copied into total_cents in 1.4.0';

const migrationReport = (name: string) =>
  fs.readFileSync(
    path.join(
      __dirname,
      '..',
      'evidence',
      'parsers',
      '__fixtures__',
      `migration-${name}.json`,
    ),
  );

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'argocd/app-selector': 'app.kubernetes.io/name=checkout' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
  },
];

describe('migrationJobs', () => {
  const hook = (over: object) => ({
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    namespace: 'shop',
    name: 'checkout-migrate',
    status: 'Synced',
    hookType: 'PreSync',
    hookPhase: 'Succeeded',
    syncPhase: 'PreSync',
    ...over,
  });
  const app = (resources: object[]) => ({
    status: { operationState: { syncResult: { resources } } },
  });

  it('takes PreSync Jobs only, and ranks a failed one above running and succeeded ones', () => {
    const jobs = migrationJobs(
      app([
        hook({
          name: 'smoke-test',
          hookType: 'PostSync',
          syncPhase: 'PostSync',
        }),
        hook({ kind: 'Pod', name: 'seed' }),
        hook({ name: 'checkout-migrate', hookPhase: 'Running' }),
        hook({ name: 'checkout-migrate-audit', hookPhase: 'Failed' }),
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          name: 'checkout',
          status: 'Synced',
          syncPhase: 'Sync',
        },
      ]),
    );
    expect(jobs.map(j => `${j.name} ${j.phase}`)).toEqual([
      'checkout-migrate Running',
      'checkout-migrate-audit Failed',
    ]);
    expect(worstPhase(jobs)).toBe('Failed');
    expect(migrationJobs(app([]))).toEqual([]);
    expect(migrationJobs({ status: {} })).toEqual([]);
  });
});

describe.each(databases.eachSupportedId())(
  'the migration step of a release and rollbacks past it (%s)',
  databaseId => {
    const argocd = setupServer();
    registerMswTestHooks(argocd);
    let server: Server;
    let knex: Knex;
    let staging: any;
    let seen: string[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            argocd: { instances: [{ name: 'main', url: ARGO, token: 't0k' }] },
          },
        },
        entities,
        services: [
          mockServices.database.factory({ knex }),
          notificationsMock,
          denyOnlyUser('user:default/mallory'),
        ],
      })) as Server;
    });

    beforeEach(() => {
      seen = [];
      staging = readFixture(
        'deployments',
        'application-staging-migration.json',
      );
      const production = readFixture('deployments', 'applications.json')
        .items[0];
      argocd.use(
        localPassthrough,
        http.get(`${ARGO}/api/v1/applications`, () =>
          HttpResponse.json({ metadata: {}, items: [production, staging] }),
        ),
        http.get(
          `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
          () =>
            HttpResponse.json(
              readFixture('deployments', 'revision-metadata.json'),
            ),
        ),
        http.get(
          `${ARGO}/api/v1/applications/checkout-staging/manifests`,
          ({ request: r }) => {
            const revision = new URL(r.url).searchParams.get('revision');
            seen.push(`GET manifests ${revision}`);
            if (revision === REV_1)
              return HttpResponse.json(
                readFixture('deployments', 'manifests-staging-1.json'),
              );
            if (revision === REV_2)
              return HttpResponse.json(
                readFixture('deployments', 'manifests-staging.json'),
              );
            return HttpResponse.json(
              { error: 'unknown revision', code: 2, message: 'unknown' },
              { status: 500 },
            );
          },
        ),
        http.patch(
          `${ARGO}/api/v1/applications/checkout-staging`,
          async ({ request: r }) => {
            const body = (await r.json()) as any;
            seen.push(`PATCH ${body.patch}`);
            if (JSON.parse(body.patch).spec.syncPolicy.automated === null)
              delete staging.spec.syncPolicy.automated;
            return HttpResponse.json(staging);
          },
        ),
        http.post(
          `${ARGO}/api/v1/applications/checkout-staging/rollback`,
          async ({ request: r }) => {
            seen.push(`POST rollback ${await r.text()}`);
            return HttpResponse.json(staging);
          },
        ),
      );
    });

    const upload = async (version: string, report: string) => {
      const res = await request(server)
        .post(
          `${ENTITY}/releases/${version}/evidence/migration?commit=${COMMIT}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(migrationReport(report));
      expect(res.status).toBe(201);
    };
    const pipeline = async () => {
      const res = await request(server)
        .get(`${ENTITY}/deployments`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(res.status).toBe(200);
      return res.body;
    };
    const check = (id: string | number) =>
      request(server)
        .get(
          `${ENTITY}/argocd/main/applications/checkout-staging/rollback-check?id=${id}`,
        )
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
    const rollback = (body: object, user = 'alice') =>
      request(server)
        .post(`${ENTITY}/argocd/main/applications/checkout-staging/rollback`)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send(body);
    const audited = async (action: string) =>
      (
        await knex('gantry_audit_log')
          .where({ action })
          .orderBy('seq', 'desc')
          .select('record')
      ).map(r => JSON.parse(r.record).details);

    it('shows the PreSync migration Job of the last sync with the release it deployed and its report', async () => {
      const before = await pipeline();
      const app = before.applications.find(
        (a: any) => a.name === 'checkout-staging',
      );
      expect(app.migration).toEqual({
        phase: 'Succeeded',
        jobs: [
          {
            name: 'checkout-migrate',
            namespace: 'shop',
            phase: 'Succeeded',
            message: 'Reached expected number of succeeded pods',
          },
        ],
        revisions: [REV_2],
        release: '1.4.2',
      });
      // Production's last sync ran no PreSync Job: no step, and no manifests asked for it.
      expect(
        before.applications.find((a: any) => a.name === 'checkout-production'),
      ).not.toHaveProperty('migration');
      expect(seen).toEqual([`GET manifests ${REV_2}`]);

      await upload('1.4.2', 'contract');
      const after = await pipeline();
      expect(
        after.applications.find((a: any) => a.name === 'checkout-staging')
          .migration.plan,
      ).toEqual({
        files: 1,
        findings: { total: 3, errors: 0, warnings: 3 },
        breaking: 0,
        reversible: 0,
        forwardOnly: [
          { file: 'V8__drop_legacy_total.sql', reason: FORWARD_ONLY },
        ],
      });
    });

    it('reports a failed migration Job as the step failing', async () => {
      staging.status.operationState.phase = 'Failed';
      staging.status.operationState.message =
        'one or more synchronization tasks completed unsuccessfully';
      staging.status.operationState.syncResult.resources = [
        {
          group: 'batch',
          version: 'v1',
          kind: 'Job',
          namespace: 'shop',
          name: 'checkout-migrate',
          status: 'Synced',
          message: 'Job has reached the specified backoff limit',
          hookType: 'PreSync',
          hookPhase: 'Failed',
          syncPhase: 'PreSync',
        },
      ];
      const app = (await pipeline()).applications.find(
        (a: any) => a.name === 'checkout-staging',
      );
      expect(app.migration.phase).toBe('Failed');
      expect(app.migration.jobs[0].message).toBe(
        'Job has reached the specified backoff limit',
      );
    });

    it('still shows the pipeline when the release of the migration step cannot be read', async () => {
      staging.status.operationState.syncResult.revision = 'f'.repeat(40);
      const view = await pipeline();
      const app = view.applications.find(
        (a: any) => a.name === 'checkout-staging',
      );
      expect(app).not.toHaveProperty('migration');
      expect(app.syncStatus).toBe('Synced');
      expect(view.errors).toEqual([
        expect.objectContaining({
          source: 'argocd:main',
          message: expect.stringMatching(
            /^Migration step of checkout-staging: /,
          ),
        }),
      ]);
    });

    it('refuses a rollback past a forward-only migration without an acknowledgement, naming the release and its plan', async () => {
      // 1.4.2's report (uploaded above) keeps V8 forward-only.
      const plan = await check(1);
      expect(plan.status).toBe(200);
      expect(plan.body).toEqual({
        historyId: 1,
        target: ['1.4.1'],
        undone: ['1.4.2'],
        irreversible: [
          {
            release: '1.4.2',
            forwardOnly: [
              { file: 'V8__drop_legacy_total.sql', reason: FORWARD_ONLY },
            ],
          },
        ],
        unreported: [],
      });

      const refused = await rollback({ id: 1 });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(
        `Rolling checkout-staging back to deployment #1 goes back past release 1.4.2 (V8__drop_legacy_total.sql: forward-only: ${FORWARD_ONLY}), whose migration cannot be undone: the database keeps that schema while 1.4.1 runs again. If 1.4.1 works with it, send {"acknowledgeIrreversibleMigration": true} to roll back anyway; otherwise roll forward with a fix.`,
      );
      const notTrue = await rollback({
        id: 1,
        acknowledgeIrreversibleMigration: 'yes',
      });
      expect(notTrue.status).toBe(400);
      expect(notTrue.body.error.message).toContain(
        'acknowledgeIrreversibleMigration',
      );
      const denied = await rollback(
        { id: 1, acknowledgeIrreversibleMigration: true },
        'mallory',
      );
      expect(denied.status).toBe(403);
      // Nothing reached Argo CD beyond reading manifests: automated sync is still on.
      expect(seen.filter(s => !s.startsWith('GET'))).toEqual([]);
      expect(await audited('argocd.rollback')).toEqual([]);
      expect(await audited('argocd.auto-sync-disabled')).toEqual([]);
    });

    it('rolls back past it with the acknowledgement and audits that', async () => {
      const res = await rollback({
        id: 1,
        acknowledgeIrreversibleMigration: true,
      });
      expect(res.status).toBe(200);
      const irreversible = [
        {
          release: '1.4.2',
          forwardOnly: [
            { file: 'V8__drop_legacy_total.sql', reason: FORWARD_ONLY },
          ],
        },
      ];
      expect(res.body.irreversibleMigrations).toEqual(irreversible);
      expect(seen.filter(s => !s.startsWith('GET'))).toEqual([
        'PATCH {"spec":{"syncPolicy":{"automated":null}}}',
        'POST rollback {"id":1,"prune":false,"dryRun":false}',
      ]);
      expect(await audited('argocd.rollback')).toEqual([
        {
          instance: 'main',
          application: 'checkout-staging',
          historyId: 1,
          revisions: [REV_1],
          irreversibleMigrations: irreversible,
          acknowledgedIrreversibleMigration: true,
        },
      ]);
    });

    it('needs no acknowledgement when every step of the undone release has a down migration', async () => {
      await new Promise(r => setTimeout(r, 5));
      await upload('1.4.2', 'expand-only');
      const plan = await check(1);
      expect(plan.body.irreversible).toEqual([]);
      expect((await rollback({ id: 1 })).status).toBe(200);
      expect(seen).toContain(
        'POST rollback {"id":1,"prune":false,"dryRun":false}',
      );
    });

    it('says what is wrong with a bad rollback check', async () => {
      const bad = await check('one');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(
        'id: must be the status.history[].id of the deployment to return to',
      );
      const empty = await check('');
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('id: must be');
      const missing = await check(7);
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain(
        'checkout-staging has no deployment #7 in its Argo CD history (ids: 1, 2)',
      );
    });
  },
);
