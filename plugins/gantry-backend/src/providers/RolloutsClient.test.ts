import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { RolloutsClient } from './RolloutsClient';

const API = 'https://k8s.test';
const path = '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout';

describe('RolloutsClient against the Kubernetes API', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new RolloutsClient([
    { name: 'prod', url: API, serviceAccountToken: 'sa-token' },
  ]);

  it('sends merge patches to the status subresource, byte for byte, with the bearer token', async () => {
    const seen: Array<{
      url: string;
      type: string | null;
      auth: string | null;
      body: string;
    }> = [];
    const record = async ({ request }: { request: Request }) => {
      seen.push({
        url: new URL(request.url).pathname,
        type: request.headers.get('content-type'),
        auth: request.headers.get('authorization'),
        body: await request.text(),
      });
      return HttpResponse.json({ metadata: { name: 'checkout' } });
    };
    server.use(
      http.patch(`${API}${path}/status`, record),
      http.patch(`${API}${path}`, record),
    );
    await client.patch('prod', 'shop', 'checkout', {
      subresource: 'status',
      body: { status: { pauseConditions: null } },
    });
    await client.patch('prod', 'shop', 'checkout', {
      subresource: 'main',
      body: { spec: { paused: false } },
    });
    expect(seen).toEqual([
      {
        url: `${path}/status`,
        type: 'application/merge-patch+json',
        auth: 'Bearer sa-token',
        body: '{"status":{"pauseConditions":null}}',
      },
      {
        url: path,
        type: 'application/merge-patch+json',
        auth: 'Bearer sa-token',
        body: '{"spec":{"paused":false}}',
      },
    ]);
  });

  it('turns API errors into clear 404 and 503 errors', async () => {
    server.use(
      http.get(`${API}${path}`, () =>
        HttpResponse.json(
          { kind: 'Status', code: 404, reason: 'NotFound' },
          { status: 404 },
        ),
      ),
      http.get(
        `${API}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts`,
        () => new HttpResponse('boom', { status: 500 }),
      ),
    );
    await expect(client.getRollout('prod', 'shop', 'checkout')).rejects.toThrow(
      'Rollout shop/checkout was not found in cluster prod.',
    );
    await expect(
      client.listRollouts('prod', 'shop', 'app=checkout'),
    ).rejects.toThrow('The Kubernetes API of cluster prod answered 500');
    await expect(client.getRollout('eu', 'shop', 'checkout')).rejects.toThrow(
      "No Kubernetes cluster 'eu' in gantry.kubernetes.clusters (configured: prod).",
    );
  });

  it('sends the unified patch to the main resource when /status answers 404, and only then', async () => {
    const seen: string[] = [];
    let statusAnswer = 404;
    server.use(
      http.patch(`${API}${path}/status`, async ({ request }) => {
        seen.push(`status ${await request.text()}`);
        return HttpResponse.json(
          {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: 'the server could not find the requested resource',
            reason: statusAnswer === 404 ? 'NotFound' : 'Forbidden',
            details: {},
            code: statusAnswer,
          },
          { status: statusAnswer },
        );
      }),
      http.patch(`${API}${path}`, async ({ request }) => {
        seen.push(`main ${await request.text()}`);
        return HttpResponse.json({ metadata: { name: 'checkout' } });
      }),
    );
    const plan = {
      status: { status: { promoteFull: true } },
      main: { spec: { paused: false } },
      unified: { spec: { paused: false }, status: { promoteFull: true } },
    };
    expect(await client.applyPlan('prod', 'shop', 'checkout', plan)).toEqual([
      { subresource: 'main', body: plan.unified },
    ]);
    expect(seen).toEqual([
      'status {"status":{"promoteFull":true}}',
      'main {"spec":{"paused":false},"status":{"promoteFull":true}}',
    ]);
    seen.length = 0;
    statusAnswer = 403;
    await expect(
      client.applyPlan('prod', 'shop', 'checkout', plan),
    ).rejects.toThrow('The Kubernetes API of cluster prod answered 403');
    expect(seen).toEqual(['status {"status":{"promoteFull":true}}']);
  });
});
