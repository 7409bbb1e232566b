import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { denyOnlyUser } from '../__testUtils__/permissions';

jest.setTimeout(60_000);
const ARGO = 'https://argocd.test';
const apps = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'applications.json'),
    'utf8',
  ),
);
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'argocd/app-selector': 'app.kubernetes.io/name=checkout' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

describe('Argo CD actions', () => {
  const argocd = setupServer();
  registerMswTestHooks(argocd);
  let seen: string[];
  let server: any;

  beforeEach(async () => {
    seen = [];
    const record = async ({ request: r }: { request: Request }) => {
      const u = new URL(r.url);
      seen.push(
        `${r.method} ${u.pathname}${u.search} ${r.headers.get(
          'authorization',
        )} ${r.method === 'GET' ? '' : await r.text()}`.trim(),
      );
      return HttpResponse.json(apps.items[1]);
    };
    argocd.use(
      localPassthrough,
      http.get(`${ARGO}/api/v1/applications`, () => HttpResponse.json(apps)),
      http.post(`${ARGO}/api/v1/applications/:name/sync`, record),
      http.post(`${ARGO}/api/v1/applications/:name/rollback`, record),
      http.get(`${ARGO}/api/v1/applications/:name`, record),
      http.get(`${ARGO}/api/v1/applications/:name/manifests`, async r => {
        await record(r);
        return HttpResponse.json(
          JSON.parse(
            fs.readFileSync(
              path.join(__dirname, '__fixtures__', 'manifests-production.json'),
              'utf8',
            ),
          ),
        );
      }),
    );
    server = await startGantry({
      config: {
        gantry: {
          argocd: {
            instances: [{ name: 'main', url: ARGO, token: 't0k' }],
          },
        },
      },
      entities: [entity],
      services: [denyOnlyUser('user:default/mallory')],
    });
  });

  const act = (
    app: string,
    action: string,
    body: object = {},
    user = 'alice',
  ) =>
    request(server)
      .post(
        `/api/gantry/entities/default/component/checkout/argocd/main/applications/${app}/${action}`,
      )
      .set('Authorization', mockCredentials.user.header(`user:default/${user}`))
      .send(body);

  it('syncs, refreshes and rolls back with the bodies Argo CD expects', async () => {
    expect((await act('checkout-staging', 'sync')).status).toBe(200);
    expect((await act('checkout-staging', 'refresh')).status).toBe(200);
    // Production passes its gate first (argocdGate.test.ts); this release has no evidence.
    const gated = await act('checkout-production', 'rollback', { id: 1 });
    expect(gated.status).toBe(409);
    expect(gated.body.error.message).toContain(
      'Rollback of checkout-production is blocked by the production gate of release 1.4.2',
    );
    expect(seen).toEqual([
      'POST /api/v1/applications/checkout-staging/sync Bearer t0k {"prune":false,"dryRun":false}',
      'GET /api/v1/applications/checkout-staging?refresh=normal Bearer t0k',
      `GET /api/v1/applications/checkout-production/manifests?revisions=${'1'.repeat(
        40,
      )}&sourcePositions=1&revisions=7.1.0&sourcePositions=2 Bearer t0k`,
    ]);
  });

  it('needs a history id to roll back, each permission, and an application of this entity', async () => {
    const noId = await act('checkout-production', 'rollback');
    expect(noId.status).toBe(400);
    expect(noId.body.error.message).toContain(
      'send {"id": <status.history[].id>}',
    );
    const denied = await act('checkout-staging', 'sync', {}, 'mallory');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("'gantry.argocd.sync'");
    const foreign = await act('payment-gateway-production', 'sync');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(
      "Argo CD application payment-gateway-production on main is not one of component:default/checkout's applications.",
    );
    expect((await act('checkout-staging', 'delete')).status).toBe(400);
    expect(seen).toEqual([]);
  });
});
