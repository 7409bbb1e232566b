import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { CanaryAnalysis } from '@gantry/plugin-gantry-common';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'node:http';
import request from 'supertest';
import { startGantry } from '../../__testUtils__/backend';
import { notificationsMock } from '../../__testUtils__/compliance';
import { createTestDatabases } from '../../__testUtils__/databases';
import { KnexCanaryAnalysisStore } from '../../canary/KnexCanaryAnalysisStore';
import { routesOf } from './routeTable';

jest.setTimeout(120_000);
const databases = createTestDatabases();

/*
 * Every route that names a record of an entity (`…/:id…`) must find the record among
 * the entity's own: the permission was checked on the entity in the URL, so a record of
 * another entity answers 404 and nothing changes. bob is in both teams; the policy denies
 * him everything on storefront, so a storefront record reached through checkout's URL is
 * exactly the bypass (issue 16: a storefront flag went live through checkout's route).
 */

const MOUNT = '/api/gantry';
const CHECKOUT = `${MOUNT}/entities/default/component/checkout`;
const STOREFRONT = `${MOUNT}/entities/default/component/storefront`;

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: `group:default/${owner}`,
  },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});
const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});
const user = (name: string, groups: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});
const entities = [
  component('checkout', 'payments'),
  component('storefront', 'web'),
  group('payments', ['alice', 'bob']),
  group('web', ['bob', 'dave', 'erin']),
  user('alice', ['payments']),
  user('bob', ['payments', 'web']),
  user('dave', ['web']),
  user('erin', ['web']),
];

/** Allows everything, except anything bob asks on storefront. */
const bobDeniedOnStorefront = mockServices.permissions.mock({
  authorize: async (reqs, opts) =>
    reqs.map(r => ({
      result:
        (opts.credentials.principal as { userEntityRef?: string })
          .userEntityRef === 'user:default/bob' &&
        (r as { resourceRef?: string }).resourceRef ===
          'component:default/storefront'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any,
}).factory;

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const flag = {
  type: 'release',
  definition: {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'on',
  },
};

interface Ids {
  pendingChange: string;
  killReview: string;
  clientKey: string;
  incident: string;
  evidence: string;
  analysis: string;
  promotion: string;
}

interface ForeignCase {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The path under checkout's URL with storefront's record id. */
  path: (ids: Ids) => string;
  body?: object;
  /** 404 unless the id names something of the URL's entity by construction. */
  status?: number;
  /** What storefront's own state must still read afterwards. */
  unchanged: (ids: Ids) => Promise<unknown>;
}

describe.each(databases.eachSupportedId())(
  'a record of another entity through this entity’s :id routes (%s)',
  databaseId => {
    let server: Server;
    let ids: Ids;
    const get = async (path: string, who = 'dave') =>
      (await request(server).get(path).set('Authorization', as(who))).body;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: { flags: { approvals: { environments: ['production'] } } },
        },
        entities,
        services: [
          mockServices.database.factory({ knex }),
          bobDeniedOnStorefront,
          notificationsMock,
        ],
      })) as Server;
      const send = (path: string, who: string, body: object, method = 'post') =>
        request(server)
          [method as 'post'](path)
          .set('Authorization', as(who))
          .send(body);

      // storefront's flag goes live in production with erin's approval, then dave kills it.
      const created = await send(
        `${STOREFRONT}/flags/production/new-home`,
        'dave',
        { flag, baseVersion: null, reason: 'launch the new home page' },
        'put',
      ).expect(202);
      await send(
        `${STOREFRONT}/flag-changes/${created.body.change.id}/decision`,
        'erin',
        { decision: 'approve' },
      ).expect(200);
      const killed = await send(
        `${STOREFRONT}/flags/production/new-home/kill`,
        'dave',
        { reason: 'home page errors' },
      ).expect(200);
      const pending = await send(
        `${STOREFRONT}/flags/production/new-checkout-link`,
        'dave',
        { flag, baseVersion: null, reason: 'link to the new checkout' },
        'put',
      ).expect(202);
      const key = await send(`${STOREFRONT}/flag-keys`, 'dave', {
        environment: 'staging',
        name: 'storefront-web',
      }).expect(201);
      await send(
        `${STOREFRONT}/vulnerability-allowlist/CVE-2024-3094`,
        'dave',
        {
          justification: 'xz is not in the storefront image.',
          expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        },
        'put',
      ).expect(200);
      await request(server)
        .post(`${MOUNT}/alerts/alertmanager`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          receiver: 'gantry',
          status: 'firing',
          alerts: [
            {
              status: 'firing',
              labels: {
                alertname: 'StorefrontErrors',
                severity: 'page',
                gantry_entity: 'component:default/storefront',
                environment: 'production',
              },
              annotations: { summary: 'storefront answers 500' },
              startsAt: new Date().toISOString(),
              endsAt: '0001-01-01T00:00:00Z',
              generatorURL: 'http://prometheus:9090/graph',
              fingerprint: 'f00d',
            },
          ],
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://alertmanager:9093',
          version: '4',
          groupKey: '{}:{}',
          truncatedAlerts: 0,
        })
        .expect(202);
      const evidence = await request(server)
        .post(
          `${STOREFRONT}/releases/2.0.0/evidence/junit?commit=${'b'.repeat(
            40,
          )}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/xml')
        .send(
          '<testsuite name="web" tests="1"><testcase name="renders"/></testsuite>',
        )
        .expect(201);
      // storefront 2.0.0 into production: dave asks, erin approves.
      const promotion = await send(
        `${STOREFRONT}/releases/2.0.0/promotions`,
        'dave',
        { environment: 'production', reason: 'the new home page' },
      ).expect(201);
      await send(`${MOUNT}/promotions/${promotion.body.id}/decision`, 'erin', {
        decision: 'approve',
      }).expect(200);
      // The judge's verdict, stored as the canary web metric stores it.
      const canary = new KnexCanaryAnalysisStore(knex);
      const analysis: CanaryAnalysis = {
        id: '11111111-2222-4333-8444-555555555555',
        entityRef: 'component:default/storefront',
        rollout: { namespace: 'web', name: 'storefront' },
        step: 1,
        baselineHash: '5b8d9c7f4c',
        canaryHash: '6f9c7d8b5d',
        window: {
          start: '2026-12-01T09:00:00Z',
          end: '2026-12-01T09:10:00Z',
          stepSeconds: 30,
        },
        verdict: 'Pass',
        score: 100,
        thresholds: { pass: 75, marginal: 50 },
        reason: 'all metrics pass',
        groups: [],
        metrics: [],
        requestedBy: 'user:default/argo-rollouts',
        createdAt: '2026-12-01T09:10:00Z',
      };
      await canary.transaction(tx => canary.insert(tx, analysis));
      const incidents = await get(`${STOREFRONT}/incidents`);
      ids = {
        pendingChange: pending.body.change.id,
        killReview: killed.body.change?.id ?? killed.body.changeId,
        clientKey: key.body.id,
        incident: incidents.items[0].id,
        evidence: evidence.body.id ?? evidence.body.evidence?.id,
        analysis: analysis.id,
        promotion: promotion.body.id,
      };
      if (!Object.values(ids).every(Boolean))
        throw new Error(
          `A storefront record was not created: ${JSON.stringify(ids)}`,
        );
    });

    const change = (id: string) => async () =>
      (await get(`${STOREFRONT}/flag-changes`)).items
        .filter((c: any) => c.id === id)
        .map((c: any) => ({ status: c.status, reviewStatus: c.reviewStatus }));

    const cases: Record<string, ForeignCase> = {
      'POST /entities/:namespace/:kind/:name/flag-changes/:id/decision': {
        method: 'post',
        path: i => `${CHECKOUT}/flag-changes/${i.pendingChange}/decision`,
        body: { decision: 'approve' },
        unchanged: async i => [
          await change(i.pendingChange)(),
          (await get(`${STOREFRONT}/flags?environment=production`)).items.map(
            (f: any) => f.key,
          ),
        ],
      },
      'POST /entities/:namespace/:kind/:name/flag-changes/:id/review': {
        method: 'post',
        path: i => `${CHECKOUT}/flag-changes/${i.killReview}/review`,
        body: { comment: 'the kill stays' },
        unchanged: i => change(i.killReview)(),
      },
      'POST /entities/:namespace/:kind/:name/flag-keys/:id/rotate': {
        method: 'post',
        path: i => `${CHECKOUT}/flag-keys/${i.clientKey}/rotate`,
        unchanged: async () => get(`${STOREFRONT}/flag-keys`),
      },
      'DELETE /entities/:namespace/:kind/:name/flag-keys/:id': {
        method: 'delete',
        path: i => `${CHECKOUT}/flag-keys/${i.clientKey}`,
        unchanged: async () => get(`${STOREFRONT}/flag-keys`),
      },
      'GET /entities/:namespace/:kind/:name/incidents/:id': {
        method: 'get',
        path: i => `${CHECKOUT}/incidents/${i.incident}`,
        unchanged: async () => get(`${STOREFRONT}/incidents`),
      },
      'POST /entities/:namespace/:kind/:name/incidents/:id/acknowledge': {
        method: 'post',
        path: i => `${CHECKOUT}/incidents/${i.incident}/acknowledge`,
        body: {},
        unchanged: async () => get(`${STOREFRONT}/incidents`),
      },
      'POST /entities/:namespace/:kind/:name/incidents/:id/remedies': {
        method: 'post',
        path: i => `${CHECKOUT}/incidents/${i.incident}/remedies`,
        body: { kind: 'flag-off', environment: 'production', key: 'new-home' },
        unchanged: async () => [
          await get(`${STOREFRONT}/incidents`),
          await get(`${STOREFRONT}/flags?environment=production`),
        ],
      },
      'POST /entities/:namespace/:kind/:name/promotions/:id/gitops': {
        method: 'post',
        path: i => `${CHECKOUT}/promotions/${i.promotion}/gitops`,
        unchanged: async () => get(`${STOREFRONT}/gitops-changes`),
      },
      'GET /entities/:namespace/:kind/:name/evidence/:id/content': {
        method: 'get',
        path: i => `${CHECKOUT}/evidence/${i.evidence}/content`,
        unchanged: async () => null,
      },
      'GET /entities/:namespace/:kind/:name/canary/analyses/:id': {
        method: 'get',
        path: i => `${CHECKOUT}/canary/analyses/${i.analysis}`,
        unchanged: async () => null,
      },
      'DELETE /entities/:namespace/:kind/:name/vulnerability-allowlist/:vulnerabilityId':
        {
          method: 'delete',
          path: () => `${CHECKOUT}/vulnerability-allowlist/CVE-2024-3094`,
          unchanged: async () => get(`${STOREFRONT}/vulnerability-allowlist`),
        },
      // The entry is keyed by (entity, vulnerability): a PUT through checkout is checkout's own
      // (after the DELETE above, which found no checkout entry).
      'PUT /entities/:namespace/:kind/:name/vulnerability-allowlist/:vulnerabilityId':
        {
          method: 'put',
          path: () => `${CHECKOUT}/vulnerability-allowlist/CVE-2024-3094`,
          body: {
            justification: 'Not reachable from the checkout code path.',
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
          status: 200,
          unchanged: async () => get(`${STOREFRONT}/vulnerability-allowlist`),
        },
    };

    it('has a case for every entity route that names a record by id', () => {
      const recordRoutes = routesOf(server, MOUNT)
        .map(r => `${r.method} ${r.path}`)
        .filter(k =>
          /^\S+ \/entities\/:namespace\/:kind\/:name\/.*:(id|\w+Id)\b/.test(k),
        );
      expect(recordRoutes.filter(k => !(k in cases))).toEqual([]);
    });

    it.each(Object.entries(cases))(
      '%s cannot reach or change the other entity’s record',
      async (_route, c) => {
        const before = await c.unchanged(ids);
        const headBefore = await get(`${MOUNT}/audit/head`, 'alice');
        const r = request(server)
          [c.method](c.path(ids))
          .set('Authorization', as('bob'));
        const res = c.body ? await r.send(c.body) : await r;
        expect({ status: res.status }).toEqual({ status: c.status ?? 404 });
        expect(await c.unchanged(ids)).toEqual(before);
        // Only the PUT (checkout's own new entry) may write an audit record.
        const headAfter = await get(`${MOUNT}/audit/head`, 'alice');
        expect(headAfter.seq - headBefore.seq).toBe(c.status === 200 ? 1 : 0);
      },
    );

    it('still lets the record be reached through its own entity, where the policy decides', async () => {
      const own = await request(server)
        .post(`${STOREFRONT}/flag-changes/${ids.pendingChange}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve' });
      expect(own.status).toBe(403);
      const owner = await request(server)
        .post(`${STOREFRONT}/flag-changes/${ids.pendingChange}/decision`)
        .set('Authorization', as('erin'))
        .send({ decision: 'approve' });
      expect(owner.body.status).toBe('applied');
    });
  },
);
