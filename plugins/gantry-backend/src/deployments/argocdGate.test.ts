import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Server } from 'node:http';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { notificationsMock } from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';
import { readFixture } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const ENTITY = '/api/gantry/entities/default/component/checkout';
const COMMIT = 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe';

const person = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: ['payments'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/payments' }],
});
const entities: Entity[] = [
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
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: ['alice', 'bob'].map(m => ({
      type: 'hasMember',
      targetRef: `user:default/${m}`,
    })),
  },
  person('alice'),
  person('bob'),
];

const junit = (failures: number) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="checkout" tests="3" failures="${failures}">
  <testcase classname="api.orders" name="creates an order"/>
  <testcase classname="api.orders" name="charges the card"/>
  <testcase classname="api.orders" name="refunds">${
    failures
      ? '<failure message="expected 200, got 500">at refunds.test.js:9</failure>'
      : ''
  }</testcase>
</testsuite>`,
  );

/** RFC 7386 JSON merge patch, as Argo CD applies `patchType: merge`. */
function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return patch;
  const out = { ...(target && typeof target === 'object' ? target : {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

describe.each(databases.eachSupportedId())(
  'Argo CD actions on production pass the gate (%s)',
  databaseId => {
    const argocd = setupServer();
    registerMswTestHooks(argocd);
    let server: Server;
    let knex: Knex;
    let apps: any[];
    let seen: string[];
    let rollbackFails = false;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            argocd: { instances: [{ name: 'main', url: ARGO, token: 't0k' }] },
            compliance: {
              policies: {
                default: {
                  staging: ['tests'],
                  production: ['tests', 'approvals', 'canary'],
                },
              },
              approvals: { requiredApprovals: 1 },
            },
          },
        },
        entities,
        services: [mockServices.database.factory({ knex }), notificationsMock],
      })) as Server;
    });

    beforeEach(() => {
      seen = [];
      rollbackFails = false;
      apps = structuredClone(
        readFixture('deployments', 'applications.json').items,
      );
      // Production syncs itself, as most GitOps setups do.
      apps[0].spec.syncPolicy = { automated: { prune: true, selfHeal: true } };
      const app = (name: unknown) => apps.find(a => a.metadata.name === name);
      argocd.use(
        localPassthrough,
        http.get(`${ARGO}/api/v1/applications`, () =>
          HttpResponse.json({ metadata: {}, items: apps }),
        ),
        // The canary gate rule reads the pipeline, which shows each app's commit.
        http.get(
          `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
          () =>
            HttpResponse.json(
              readFixture('deployments', 'revision-metadata.json'),
            ),
        ),
        http.get(
          `${ARGO}/api/v1/applications/:name/manifests`,
          ({ request: r }) => {
            const u = new URL(r.url);
            seen.push(`GET manifests ${u.search}`);
            // History #1 deployed 1.4.1; the target (HEAD) renders 1.4.2.
            return HttpResponse.json(
              readFixture(
                'deployments',
                u.searchParams.getAll('revisions')[0] === '1'.repeat(40)
                  ? 'manifests-production-1.json'
                  : 'manifests-production.json',
              ),
            );
          },
        ),
        http.post(
          `${ARGO}/api/v1/applications/:name/sync`,
          async ({ params, request: r }) => {
            seen.push(`POST ${params.name}/sync ${await r.text()}`);
            return HttpResponse.json(app(params.name));
          },
        ),
        http.post(
          `${ARGO}/api/v1/applications/:name/rollback`,
          async ({ params, request: r }) => {
            if (rollbackFails)
              return HttpResponse.json(
                {
                  error: 'etcdserver: timeout',
                  code: 14,
                  message: 'etcdserver: timeout',
                },
                { status: 503 },
              );
            if (app(params.name).spec.syncPolicy?.automated) {
              // What Argo CD's server answers (gRPC FailedPrecondition).
              const message =
                'rollback cannot be initiated when auto-sync is enabled';
              return HttpResponse.json(
                { error: message, code: 9, message },
                { status: 400 },
              );
            }
            seen.push(`POST ${params.name}/rollback ${await r.text()}`);
            return HttpResponse.json(app(params.name));
          },
        ),
        http.patch(
          `${ARGO}/api/v1/applications/:name`,
          async ({ params, request: r }) => {
            const body = (await r.json()) as any;
            seen.push(`PATCH ${params.name} ${body.patchType} ${body.patch}`);
            const patched = mergePatch(
              app(params.name),
              JSON.parse(body.patch),
            );
            apps[apps.indexOf(app(params.name))] = patched;
            return HttpResponse.json(patched);
          },
        ),
      );
    });

    const act = (
      application: string,
      action: string,
      body: object = {},
      user = 'alice',
    ) =>
      request(server)
        .post(`${ENTITY}/argocd/main/applications/${application}/${action}`)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send(body);
    const upload = (version: string, failures: number) =>
      request(server)
        .post(`${ENTITY}/releases/${version}/evidence/junit?commit=${COMMIT}`)
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/xml')
        .send(junit(failures))
        .expect(201);
    const promote = (version: string, user: string, emergency = false) =>
      request(server)
        .post(`${ENTITY}/releases/${version}/promotions`)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send({
          environment: 'production',
          reason: emergency
            ? 'checkout is down, ship the fix'
            : 'regular release',
          emergency,
        })
        .expect(201);
    const audited = async (action: string) =>
      (
        await knex('gantry_audit_log')
          .where({ action })
          .orderBy('seq', 'desc')
          .select('record')
      ).map(r => JSON.parse(r.record).details);

    it('refuses a production sync of a release without evidence, and a release the manifests do not run', async () => {
      const res = await act('checkout-production', 'sync');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(
        'Sync of checkout-production is blocked by the production gate of release 1.4.2: evidence (no release 1.4.2 of component:default/checkout is recorded; upload its evidence first).',
      );
      const named = await act('checkout-production', 'sync', {
        release: '1.4.3',
      });
      expect(named.status).toBe(409);
      expect(named.body.error.message).toContain(
        'Sync of checkout-production would deploy release 1.4.2, not 1.4.3 as asked',
      );
      expect(seen).toEqual(['GET manifests ', 'GET manifests ']);
      expect(await audited('argocd.sync')).toEqual([]);
    });

    it('names the failing rules, lets an emergency through only on an emergency request, and audits it', async () => {
      await upload('1.4.2', 1);
      const blocked = await act('checkout-production', 'sync');
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toMatch(
        /^Sync of checkout-production is blocked by the production gate of release 1\.4\.2: tests \(1 of 3 tests failed: .*refunds.*\), approvals \(No promotion request for 1\.4\.2 into production; request one from the Compliance tab\)\. /,
      );
      const reason = 'checkout is down, ship the fix now';
      const noRequest = await act('checkout-production', 'sync', {
        emergency: { reason },
      });
      expect(noRequest.status).toBe(409);
      expect(noRequest.body.error.message).toContain(
        'An emergency sync needs an emergency promotion request of 1.4.2 into production first',
      );
      const tooShort = await act('checkout-production', 'sync', {
        emergency: { reason: 'now' },
      });
      expect(tooShort.status).toBe(400);
      expect(tooShort.body.error.message).toContain('emergency.reason');
      expect(seen.filter(s => s.startsWith('POST'))).toEqual([]);

      const emergency = (await promote('1.4.2', 'bob', true)).body;
      const stillBlocked = await act('checkout-production', 'sync');
      expect(stillBlocked.status).toBe(409);
      expect(stillBlocked.body.error.message).toMatch(
        /release 1\.4\.2: tests \(1 of 3 tests failed/,
      );
      expect(stillBlocked.body.error.message).not.toContain('approvals (');

      const through = await act('checkout-production', 'sync', {
        emergency: { reason },
      });
      expect(through.status).toBe(200);
      const gate = {
        environment: 'production',
        releases: [
          {
            version: '1.4.2',
            verdict: 'fail',
            emergency: {
              requestId: emergency.id,
              reason,
              failingRules: [expect.stringMatching(/^tests \(1 of 3/)],
            },
          },
        ],
      };
      expect(through.body).toEqual({
        action: 'sync',
        application: 'checkout-production',
        gate,
      });
      expect(seen.filter(s => s.startsWith('POST'))).toEqual([
        'POST checkout-production/sync {"prune":false,"dryRun":false}',
      ]);
      expect(await audited('argocd.sync')).toEqual([
        { instance: 'main', application: 'checkout-production', gate },
      ]);
    });

    it('rolls an auto-synced app back by turning automated sync off first, and gates turning it on again', async () => {
      // The release history #1 deployed passes its gate: tests green, approved by another owner.
      await upload('1.4.1', 0);
      const requested = (await promote('1.4.1', 'bob')).body;
      await request(server)
        .post(`/api/gantry/promotions/${requested.id}/decision`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ decision: 'approve' })
        .expect(200);

      const res = await act('checkout-production', 'rollback', { id: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        action: 'rollback',
        application: 'checkout-production',
        gate: {
          environment: 'production',
          releases: [{ version: '1.4.1', verdict: 'pass' }],
        },
        autoSyncDisabled: { previous: { prune: true, selfHeal: true } },
      });
      expect(seen).toEqual([
        `GET manifests ?revisions=${'1'.repeat(
          40,
        )}&sourcePositions=1&revisions=7.1.0&sourcePositions=2`,
        // 1.4.2, which the rollback goes back past (no migration report: no acknowledgement).
        'GET manifests ?revisions=9f8e7d6c5b4a39281706f5e4d3c2b1a098765432&sourcePositions=1&revisions=7.2.0&sourcePositions=2',
        'PATCH checkout-production merge {"spec":{"syncPolicy":{"automated":null}}}',
        'POST checkout-production/rollback {"id":1,"prune":false,"dryRun":false}',
      ]);
      expect(apps[0].spec.syncPolicy).toEqual({});
      expect(await audited('argocd.auto-sync-disabled')).toEqual([
        {
          instance: 'main',
          application: 'checkout-production',
          reason: 'rollback to deployment #1',
          previous: { prune: true, selfHeal: true },
        },
      ]);

      // Automated sync would deploy the target again: 1.4.2, whose tests fail.
      seen = [];
      const previous = res.body.autoSyncDisabled.previous;
      const again = await act('checkout-production', 'enable-auto-sync', {
        automated: previous,
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(
        /^Turning automated sync on of checkout-production is blocked by the production gate of release 1\.4\.2: tests/,
      );
      expect(seen.filter(s => s.startsWith('PATCH'))).toEqual([]);
      const forced = await act('checkout-production', 'enable-auto-sync', {
        automated: previous,
        emergency: { reason: 'the fix is in 1.4.2, keep it syncing' },
      });
      expect(forced.status).toBe(200);
      expect(forced.body.autoSyncEnabled).toEqual(previous);
      expect(apps[0].spec.syncPolicy).toEqual({ automated: previous });
      expect(
        (await act('checkout-production', 'enable-auto-sync')).body.error
          .message,
      ).toBe(
        'checkout-production already syncs automatically ({"prune":true,"selfHeal":true}).',
      );
    });

    it('turns automated sync back on when Argo CD fails the rollback, so nothing changed', async () => {
      rollbackFails = true;
      const res = await act('checkout-staging', 'rollback', { id: 1 });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain('etcdserver: timeout');
      expect(seen).toEqual([
        // The rollback reads the releases it returns to and goes back past (their migrations).
        `GET manifests ?revision=${'1'.repeat(40)}`,
        'GET manifests ?revision=0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
        'PATCH checkout-staging merge {"spec":{"syncPolicy":{"automated":null}}}',
        'PATCH checkout-staging merge {"spec":{"syncPolicy":{"automated":{"prune":true,"selfHeal":true}}}}',
      ]);
      expect(apps[1].spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
      });
      expect(await audited('argocd.auto-sync-restored')).toEqual([
        {
          instance: 'main',
          application: 'checkout-staging',
          reason: expect.stringContaining(
            'the rollback failed: Argo CD main answered 503',
          ),
          policy: { prune: true, selfHeal: true },
        },
      ]);
    });

    it('does not gate staging, and still turns its automated sync off before a rollback', async () => {
      const res = await act('checkout-staging', 'rollback', { id: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        action: 'rollback',
        application: 'checkout-staging',
        autoSyncDisabled: { previous: { prune: true, selfHeal: true } },
      });
      expect(seen).toEqual([
        `GET manifests ?revision=${'1'.repeat(40)}`,
        'GET manifests ?revision=0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
        'PATCH checkout-staging merge {"spec":{"syncPolicy":{"automated":null}}}',
        expect.stringMatching(/^POST checkout-staging\/rollback /),
      ]);
    });
  },
);
