import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { denyOnlyUser } from '../__testUtils__/permissions';
import { localPassthrough, startGantry } from '../__testUtils__/backend';

jest.setTimeout(60_000);
const K8S = 'https://k8s.test';
const fixture = (n: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', n), 'utf8'));
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'checkout',
      'gantry.dev/compliance-policy': 'default',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

const withSelector = (name: string, selector: string) => ({
  ...entity,
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-label-selector': selector },
  },
});
// The API server's answer to PATCH …/status when the CRD has no status subresource.
const noStatusSubresource = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
};

describe('rollout actions', () => {
  const k8s = setupServer();
  registerMswTestHooks(k8s);
  let server: any;
  let patches: string[];

  beforeEach(async () => {
    patches = [];
    k8s.use(
      localPassthrough,
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/:name`,
        ({ params }) => {
          const file = {
            checkout: 'rollout-staging-paused-25.json',
            'checkout-v09': 'rollout-staging-paused-25.json',
            'checkout-prod': 'rollout-production-paused-25.json',
            'payment-gateway': 'rollout-other-entity.json',
          }[params.name as string];
          return file
            ? HttpResponse.json(fixture(file))
            : HttpResponse.json({ code: 404 }, { status: 404 });
        },
      ),
      http.patch(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/:name/status`,
        async ({ request: r, params }) => {
          if (params.name === 'checkout-v09')
            return HttpResponse.json(noStatusSubresource, { status: 404 });
          patches.push(
            `${params.name} status ${r.headers.get(
              'content-type',
            )} ${await r.text()}`,
          );
          return HttpResponse.json({});
        },
      ),
      http.patch(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/:name`,
        async ({ request: r, params }) => {
          patches.push(
            `${params.name} main ${r.headers.get(
              'content-type',
            )} ${await r.text()}`,
          );
          return HttpResponse.json({});
        },
      ),
    );
    server = await startGantry({
      config: {
        gantry: {
          kubernetes: {
            clusters: [{ name: 'prod', url: K8S, serviceAccountToken: 't' }],
          },
        },
      },
      entities: [
        entity,
        withSelector(
          'checkout-set',
          'app.kubernetes.io/name in (checkout, cart)',
        ),
        withSelector(
          'checkout-ne',
          'backstage.io/kubernetes-id=checkout,gantry.dev/environment!=production',
        ),
      ],
      services: [
        // mallory is denied everything by the policy; everyone else is allowed
        denyOnlyUser('user:default/mallory'),
      ],
    });
  });

  const act = (
    rollout: string,
    action: string,
    user = 'alice',
    component = 'checkout',
  ) =>
    request(server)
      .post(
        `/api/gantry/entities/default/component/${component}/rollouts/prod/shop/${rollout}/${action}`,
      )
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${user}`),
      );

  it('promotes a staging canary paused at 25 % by clearing its pause condition, and audits it', async () => {
    const res = await act('checkout', 'promote');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      action: 'promote',
      patches: 1,
      environment: 'staging',
    });
    expect(patches).toEqual([
      'checkout status application/merge-patch+json {"status":{"pauseConditions":null}}',
    ]);
    const audit = await request(server)
      .get('/api/gantry/audit/export')
      .set('Authorization', mockCredentials.user.header());
    expect(JSON.parse(audit.text.trim())).toMatchObject({
      action: 'rollout.promote',
      details: { release: '1.5.0', environment: 'staging' },
    });
  });

  it('marks the running deployment of the environment as touched by hand', async () => {
    const report = await request(server)
      .post('/api/gantry/deployments/events')
      .set('Authorization', mockCredentials.service.header())
      .send({
        source: 'argocd',
        application: 'checkout-staging',
        entityRef: 'component:default/checkout',
        environment: 'staging',
        revision: '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
        phase: 'Succeeded',
        startedAt: '2026-11-26T09:58:00Z',
        initiatedBy: { automated: true },
      });
    expect(report.status).toBe(202);
    const history = async () =>
      (
        await request(server)
          .get(
            '/api/gantry/entities/default/component/checkout/deployments/history',
          )
          .set('Authorization', mockCredentials.user.header())
      ).body.items[0];
    expect((await history()).manualIntervention).toBe(false);
    expect((await act('checkout', 'promote')).status).toBe(200);
    expect((await history()).manualIntervention).toBe(true);
  });

  it('aborts and retries with the CLI patches; each action needs its permission', async () => {
    expect((await act('checkout', 'abort')).status).toBe(200);
    expect(patches).toEqual([
      'checkout status application/merge-patch+json {"status":{"abort":true}}',
    ]);
    const denied = await act('checkout', 'abort', 'mallory');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("'gantry.rollout.abort'");
    const retry = await act('checkout', 'retry');
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toBe(
      'Rollout checkout is not aborted; only an aborted rollout can be retried.',
    );
  });

  it('blocks a production promotion until the release passes its gate, and never for an abort', async () => {
    const res = await act('checkout-prod', 'promote');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      'Promotion into production is blocked: no release 1.5.0 of component:default/checkout is recorded. Upload its evidence first.',
    );
    expect(patches).toEqual([]);
    expect((await act('checkout-prod', 'abort')).status).toBe(200);
  });

  it("refuses another entity's rollout and unknown actions", async () => {
    const other = await act('payment-gateway', 'promote');
    expect(other.status).toBe(404);
    expect(other.body.error.message).toContain(
      'does not belong to component:default/checkout',
    );
    const bad = await act('checkout', 'skip');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "Unknown rollout action 'skip'. Use one of: promote, promote-full, abort, retry.",
    );
  });

  it("refuses another team's Rollout to an entity with a set-based selector, patching nothing", async () => {
    const other = await act(
      'payment-gateway',
      'abort',
      'alice',
      'checkout-set',
    );
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe(
      'Rollout shop/payment-gateway in cluster prod does not belong to component:default/checkout-set (its labels do not match the selector app.kubernetes.io/name in (cart,checkout)).',
    );
    expect(
      (await act('payment-gateway', 'promote', 'alice', 'checkout-set')).status,
    ).toBe(404);
    expect(patches).toEqual([]);
    expect(
      (await act('checkout', 'abort', 'alice', 'checkout-set')).status,
    ).toBe(200);
    expect(patches).toEqual([
      'checkout status application/merge-patch+json {"status":{"abort":true}}',
    ]);
  });

  it('lets a != selector act on its own Rollout and on no other', async () => {
    const own = await act('checkout', 'promote', 'alice', 'checkout-ne');
    expect(own.status).toBe(200);
    // The production Rollout is excluded by gantry.dev/environment!=production.
    expect(
      (await act('checkout-prod', 'abort', 'alice', 'checkout-ne')).status,
    ).toBe(404);
    expect(
      (await act('payment-gateway', 'abort', 'alice', 'checkout-ne')).status,
    ).toBe(404);
    expect(patches).toEqual([
      'checkout status application/merge-patch+json {"status":{"pauseConditions":null}}',
    ]);
  });

  it('patches the main resource like the CLI when the CRD has no status subresource', async () => {
    const res = await act('checkout-v09', 'promote');
    expect(res.status).toBe(200);
    expect(res.body.patches).toBe(1);
    expect(patches).toEqual([
      'checkout-v09 main application/merge-patch+json {"spec":{"paused":false},"status":{"pauseConditions":null}}',
    ]);
    const audit = await request(server)
      .get('/api/gantry/audit/export')
      .set('Authorization', mockCredentials.user.header());
    expect(JSON.parse(audit.text.trim())).toMatchObject({
      action: 'rollout.promote',
      details: {
        patches: [
          {
            subresource: 'main',
            body: {
              spec: { paused: false },
              status: { pauseConditions: null },
            },
          },
        ],
      },
    });
  });
});
