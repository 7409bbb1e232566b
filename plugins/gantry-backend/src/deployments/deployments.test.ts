import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { checkoutEntity } from '../__testUtils__/entities';
import { readFixture } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);
const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const entity = checkoutEntity;

describe('GET deployments', () => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);
  let seen: string[];

  let lastServer: any;
  async function start(handlers: Parameters<typeof mocks.use>, reuse?: any) {
    seen = [];
    mocks.use(localPassthrough, ...handlers);
    const server =
      reuse ??
      (await startGantry({
        config: {
          gantry: {
            argocd: {
              instances: [{ name: 'main', url: ARGO, token: 'argo-token' }],
            },
            kubernetes: {
              clusters: [
                { name: 'prod', url: K8S, serviceAccountToken: 'k8s-token' },
              ],
            },
          },
        },
        entities: [entity],
      }));
    lastServer = server;
    return request(server)
      .get('/api/gantry/entities/default/component/checkout/deployments')
      .set('Authorization', mockCredentials.user.header());
  }

  const argocd = [
    http.get(`${ARGO}/api/v1/applications`, ({ request: r }) => {
      seen.push(`${new URL(r.url).search} ${r.headers.get('authorization')}`);
      return HttpResponse.json(readFixture('deployments', 'applications.json'));
    }),
    http.get(
      `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
      ({ params, request: r }) => {
        seen.push(
          `metadata ${params.name} ${params.rev} ${new URL(r.url).search}`,
        );
        return HttpResponse.json(
          readFixture('deployments', 'revision-metadata.json'),
        );
      },
    ),
  ];
  const kubernetes = [
    http.get(
      `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts`,
      ({ request: r }) => {
        seen.push(
          `rollouts ${new URL(r.url).searchParams.get('labelSelector')}`,
        );
        return HttpResponse.json({
          items: [readFixture('rollouts', 'rollout-staging-paused-25.json')],
        });
      },
    ),
    http.get(
      `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/analysisruns`,
      () => HttpResponse.json(readFixture('deployments', 'analysisruns.json')),
    ),
    http.get(
      `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop-prod/rollouts`,
      () =>
        HttpResponse.json({
          items: [
            readFixture('rollouts', 'rollout-production-aborted.json'),
            readFixture('rollouts', 'rollout-bluegreen-paused.json'),
          ],
        }),
    ),
    http.get(
      `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop-prod/analysisruns`,
      () =>
        HttpResponse.json(
          readFixture('deployments', 'analysisruns-production.json'),
        ),
    ),
  ];

  it('orders apps by environment, reads multi-source apps, and attaches rollouts with their own analysis runs', async () => {
    const res = await start([...argocd, ...kubernetes]);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(seen).toContain(
      '?selector=app.kubernetes.io%2Fname%3Dcheckout Bearer argo-token',
    );
    expect(seen).toContain('rollouts backstage.io/kubernetes-id=checkout');
    const [staging, production] = res.body.applications;
    expect([staging.name, production.name]).toEqual([
      'checkout-staging',
      'checkout-production',
    ]);
    expect(staging).toMatchObject({
      environment: 'staging',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      revisions: ['0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b'],
      commit: {
        author: 'Alice Andersen <alice@acme.example>',
        message: 'checkout: roll out 1.5.0 (Apple Pay)',
      },
      operation: { phase: 'Succeeded', initiatedBy: 'automated' },
    });
    expect(production).toMatchObject({
      environment: 'production',
      syncStatus: 'OutOfSync',
      healthStatus: 'Degraded',
      healthMessage: 'Rollout is aborted: Metric "error-rate" assessed Failed',
      revisions: ['9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '7.2.0'],
      operation: { phase: 'Failed', initiatedBy: 'alice@acme.example' },
      history: [
        {
          id: 2,
          revisions: ['9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '7.2.0'],
        },
        {
          id: 1,
          revisions: ['1111111111111111111111111111111111111111', '7.1.0'],
        },
      ],
    });
    expect(production.sources.map((s: any) => s.chart ?? s.path)).toEqual([
      'services/checkout/overlays/production',
      'checkout-config',
    ]);
    // multi-source: the git source's metadata is asked for with its source index
    expect(seen).toContain(
      'metadata checkout-production 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432 ?sourceIndex=0',
    );

    const rollout = staging.rollouts[0];
    expect(rollout).toMatchObject({
      cluster: 'prod',
      phase: 'Paused',
      strategy: 'canary',
      currentStepIndex: 4,
      canaryWeight: 25,
      paused: true,
      pauseDuration: '15m',
      pauseConditions: [
        { reason: 'CanaryPauseStep', startTime: '2026-11-26T10:05:00Z' },
      ],
      aborted: false,
      fullyPromoted: false,
      release: '1.5.0',
    });
    expect(
      rollout.steps
        .filter((s: any) => s.kind === 'setWeight')
        .map((s: any) => s.weight),
    ).toEqual([5, 25, 50, 75, 100]);
    // only the runs owned by this Rollout's UID, newest first
    expect(
      rollout.analysisRuns.map((r: any) => [r.name, r.phase, r.stepIndex]),
    ).toEqual([
      ['checkout-6f9c7d8b5d-7-5', 'Running', 5],
      ['checkout-6f9c7d8b5d-7-2', 'Successful', 2],
    ]);
    const latency = rollout.analysisRuns[0].metrics.find(
      (m: any) => m.name === 'latency-p99',
    );
    expect(latency).toMatchObject({
      successCondition: 'result[0] < 0.5',
      failed: 1,
    });
    expect(latency.measurements[1]).toMatchObject({
      phase: 'Failed',
      value: '[0.734]',
    });
  });

  it('explains an aborted canary, an inconclusive blue-green pre-promotion run, and keeps Argo CD history', async () => {
    const res = await start([...argocd, ...kubernetes]);
    const production = res.body.applications[1];
    const [aborted, blueGreen] = production.rollouts;
    expect(aborted).toMatchObject({
      name: 'checkout',
      phase: 'Degraded',
      aborted: true,
      canaryWeight: 0,
      message: expect.stringContaining(
        'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
      ),
    });
    expect(aborted.analysisRuns).toHaveLength(1);
    expect(aborted.analysisRuns[0].metrics[0]).toMatchObject({
      name: 'error-rate',
      phase: 'Failed',
      successCondition: 'result[0] < 0.01',
      failed: 2,
    });
    expect(
      aborted.analysisRuns[0].metrics[0].measurements.map((m: any) => [
        m.phase,
        m.value,
      ]),
    ).toEqual([
      ['Successful', '[0.0042]'],
      ['Failed', '[0.0371]'],
      ['Failed', '[0.0526]'],
    ]);
    expect(blueGreen).toMatchObject({
      name: 'checkout-worker',
      strategy: 'blueGreen',
      paused: true,
      pauseConditions: [{ reason: 'BlueGreenPause' }],
      activeSelector: '3f2e1d0c9b',
      previewSelector: '8d7c6b5a49',
    });
    expect(blueGreen.canaryWeight).toBeUndefined();
    expect(blueGreen.analysisRuns[0]).toMatchObject({
      phase: 'Inconclusive',
      rolloutType: 'PrePromotion',
      metrics: [
        {
          name: 'smoke-latency-p95',
          failureCondition: 'result[0] > 0.6',
          inconclusive: 1,
        },
      ],
    });

    // reading the pipeline stored Argo CD's history beyond its own limit
    const history = await request(lastServer)
      .get(
        '/api/gantry/entities/default/component/checkout/deployments/history',
      )
      .set('Authorization', mockCredentials.user.header());
    expect(
      history.body.items.map((d: any) => [
        d.environment,
        d.revision.slice(0, 7),
        d.outcome,
        d.source,
      ]),
    ).toEqual([
      ['production', '9f8e7d6', 'failed', 'argocd-history'],
      ['production', '9f8e7d6', 'succeeded', 'argocd-history'],
      ['staging', '0d6a3b2', 'succeeded', 'argocd-history'],
      ['production', '1111111', 'succeeded', 'argocd-history'],
      ['staging', '1111111', 'succeeded', 'argocd-history'],
    ]);
    // read again: nothing is stored twice
    await start([...argocd, ...kubernetes], lastServer);
    const again = await request(lastServer)
      .get(
        '/api/gantry/entities/default/component/checkout/deployments/history',
      )
      .set('Authorization', mockCredentials.user.header());
    expect(again.body.items).toHaveLength(5);
  });

  it('lists the rollouts that need someone, across the entities the user owns', async () => {
    mocks.use(localPassthrough, ...argocd, ...kubernetes);
    const owner = 'user:default/alice';
    const other = {
      ...entity,
      metadata: { ...entity.metadata, name: 'ledger' },
      spec: { ...entity.spec, owner: 'group:default/finance' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/finance' }],
    };
    const server = await startGantry({
      config: {
        gantry: {
          argocd: { instances: [{ name: 'main', url: ARGO }] },
          kubernetes: { clusters: [{ name: 'prod', url: K8S }] },
        },
      },
      entities: [
        {
          ...entity,
          relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
        },
        other,
      ],
      services: [
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: owner,
            ownershipEntityRefs: [owner, 'group:default/payments'],
          }),
        }).factory,
      ],
    });
    const get = (query: string) =>
      request(server)
        .get(`/api/gantry/rollouts/attention${query}`)
        .set('Authorization', mockCredentials.user.header(owner));

    const mine = await get('');
    expect(mine.status).toBe(200);
    expect(mine.body.scope).toBe('owned');
    expect(
      mine.body.items.map((i: any) => [
        i.entityRef,
        i.environment,
        i.rollout.name,
        i.reason,
      ]),
    ).toEqual([
      // waiting longest first (10:05 and 10:20); the aborted production canary is left out
      ['component:default/checkout', 'staging', 'checkout', 'analysis-running'],
      [
        'component:default/checkout',
        'production',
        'checkout-worker',
        'analysis-failed',
      ],
    ]);
    const all = await get('?scope=all');
    expect(new Set(all.body.items.map((i: any) => i.entityRef))).toEqual(
      new Set(['component:default/checkout', 'component:default/ledger']),
    );
    const bad = await get('?scope=team');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      "scope: Invalid enum value. Expected 'owned' | 'all'",
    );
  });

  it('degrades per source: Argo CD down, Kubernetes returning garbage', async () => {
    const res = await start([
      http.get(
        `${ARGO}/api/v1/applications`,
        () => new HttpResponse('upstream connect error', { status: 503 }),
      ),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.applications).toEqual([]);
    expect(res.body.errors).toEqual([
      {
        source: 'argocd:main',
        message:
          'Argo CD main answered 503 to /applications?selector=app.kubernetes.io%2Fname%3Dcheckout.',
      },
    ]);

    const garbage = await start([
      ...argocd,
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts`,
        () => new HttpResponse('<html>gateway</html>', { status: 502 }),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop/analysisruns`,
        () => HttpResponse.json({ items: [] }),
      ),
    ]);
    expect(garbage.body.applications).toHaveLength(2);
    expect(garbage.body.applications[0].rollouts).toEqual([]);
    expect(garbage.body.errors.map((e: any) => e.source)).toEqual([
      'kubernetes:prod',
      'kubernetes:prod',
    ]);
  });
});
