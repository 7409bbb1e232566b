import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { readFixture } from '../__testUtils__/fixtures';
import type { PipelineReader } from '../kernel/ports';
import { RolloutAttentionService } from './RolloutAttentionService';
import { RolloutAttentionSnapshot } from './RolloutAttentionSnapshot';

jest.setTimeout(60_000);
const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const owner = 'user:default/alice';

/** `n` annotated services, half owned by payments; only the last (checkout, sorted last) has Argo CD apps. */
function services(n: number): Entity[] {
  return Array.from({ length: n }, (_, i) => {
    const name = i === n - 1 ? 'checkout' : `api-${String(i).padStart(4, '0')}`;
    const team = i % 2 ? 'group:default/payments' : 'group:default/finance';
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'argocd/app-selector': `app.kubernetes.io/name=${name}`,
          'backstage.io/kubernetes-id': name,
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: team },
      relations: [{ type: 'ownedBy', targetRef: team }],
    };
  });
}

describe('rollout attention page', () => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);

  it('reads every annotated entity on refresh (past the old 200 cap) and answers page loads without Argo CD or Kubernetes calls', async () => {
    let upstreamCalls = 0;
    mocks.use(
      localPassthrough,
      http.get(`${ARGO}/api/v1/applications`, ({ request: r }) => {
        upstreamCalls++;
        const selector = new URL(r.url).searchParams.get('selector');
        return HttpResponse.json(
          selector === 'app.kubernetes.io/name=checkout'
            ? readFixture('deployments', 'applications.json')
            : { metadata: {}, items: [] },
        );
      }),
      http.get(
        `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
        () => {
          upstreamCalls++;
          return HttpResponse.json(
            readFixture('deployments', 'revision-metadata.json'),
          );
        },
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts`,
        () => {
          upstreamCalls++;
          return HttpResponse.json({
            items: [readFixture('rollouts', 'rollout-staging-paused-25.json')],
          });
        },
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/analysisruns`,
        () => {
          upstreamCalls++;
          return HttpResponse.json(
            readFixture('deployments', 'analysisruns.json'),
          );
        },
      ),
    );
    const server = await startGantry({
      config: {
        gantry: {
          argocd: { instances: [{ name: 'main', url: ARGO, token: 't' }] },
          kubernetes: {
            clusters: [{ name: 'prod', url: K8S, serviceAccountToken: 't' }],
          },
        },
      },
      entities: services(250),
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

    const all = await get('?scope=all');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      scope: 'all',
      entities: 250,
      complete: true,
      unread: [],
    });
    expect(Date.parse(all.body.refreshedAt)).not.toBeNaN();
    // The entity past the first 200 is there: nothing dropped.
    expect(all.body.items.map((i: any) => i.entityRef)).toContain(
      'component:default/checkout',
    );
    const afterRefresh = upstreamCalls;
    expect(afterRefresh).toBeGreaterThanOrEqual(250);

    // Page loads read the snapshot: no Argo CD or Kubernetes call.
    const owned = await get('');
    const again = await get('?scope=all');
    expect(upstreamCalls).toBe(afterRefresh);
    expect(owned.body).toMatchObject({
      scope: 'owned',
      entities: 125,
      complete: true,
    });
    expect(again.body.items).toEqual(all.body.items);
    expect(again.body.refreshedAt).toBe(all.body.refreshedAt);
  });

  it("counts a parent group's entities as the user's own (membership through child groups)", async () => {
    const group = (name: string, parent?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: parent ? [{ type: 'childOf', targetRef: parent }] : [],
    });
    mocks.use(localPassthrough);
    const server = await startGantry({
      entities: [
        ...services(10),
        group('payments'),
        group('payments-api', 'group:default/payments'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'alice', namespace: 'default' },
          spec: {},
          relations: [
            { type: 'memberOf', targetRef: 'group:default/payments-api' },
          ],
        },
      ],
      services: [
        // Sign-in resolvers give the direct groups only.
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: owner,
            ownershipEntityRefs: [owner, 'group:default/payments-api'],
          }),
        }).factory,
      ],
    });
    const owned = await request(server)
      .get('/api/gantry/rollouts/attention')
      .set('Authorization', mockCredentials.user.header(owner));
    expect(owned.status).toBe(200);
    // payments (the parent of alice's team) owns the odd half of the 10 services
    expect(owned.body).toMatchObject({ scope: 'owned', entities: 5 });
  });

  it('names entities not read yet instead of leaving them out', async () => {
    const known = services(3);
    const added = services(4);
    // Argo CD down for every entity: the view the deployments domain gives then.
    const reader: PipelineReader = {
      forEntity: async (_e, entityRef) => ({
        entityRef,
        environments: ['staging', 'production'],
        configured: { argocd: true, kubernetes: true },
        applications: [],
        errors: [
          { source: 'argocd:main', message: `${entityRef} unreachable` },
        ],
      }),
    };
    const snapshot = new RolloutAttentionSnapshot({
      catalog: catalogServiceMock({ entities: known }),
      auth: mockServices.auth(),
      deployments: reader,
      logger: mockServices.logger.mock(),
    });
    await snapshot.refresh();
    const service = new RolloutAttentionService({
      catalog: catalogServiceMock({ entities: added }),
      userInfo: mockServices.userInfo(),
      groupsOf: async () => [],
      snapshot,
      refreshSeconds: 60,
    });
    const page = await service.list(mockCredentials.user(owner), 'all');
    expect(page.entities).toBe(4);
    expect(page.complete).toBe(false);
    // api-0002 came after the refresh (checkout is the last of both lists)
    expect(page.unread).toEqual(['component:default/api-0002']);
    expect(page.errors).toHaveLength(3);
  });
});
