import {
  mockCredentials,
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
const K8S_EU = 'https://k8s-eu.test';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The Argo CD fixture, staging deployed in-cluster, production's Helm chart listed first. */
function applications() {
  const list = readFixture('deployments', 'applications.json');
  for (const app of list.items) {
    if (app.metadata.name === 'checkout-staging') {
      app.spec.destination = { server: IN_CLUSTER, namespace: 'shop' };
    } else {
      app.spec.sources.reverse();
      app.status.sync.revisions.reverse();
    }
  }
  return list;
}

describe('which cluster an app deploys to, and the commit of a multi-source app', () => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);
  let seen: string[];

  beforeEach(() => {
    seen = [];
    const rollouts = (cluster: string) =>
      http.get(
        `${cluster}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts`,
        ({ params }) => {
          seen.push(`rollouts ${cluster} ${params.ns}`);
          return HttpResponse.json({
            items:
              params.ns === 'shop'
                ? [readFixture('rollouts', 'rollout-staging-paused-25.json')]
                : [],
          });
        },
      );
    const runs = (cluster: string) =>
      http.get(
        `${cluster}/apis/argoproj.io/v1alpha1/namespaces/:ns/analysisruns`,
        () => HttpResponse.json({ items: [] }),
      );
    mocks.use(
      localPassthrough,
      http.get(`${ARGO}/api/v1/applications`, () =>
        HttpResponse.json(applications()),
      ),
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
      rollouts(K8S),
      runs(K8S),
      rollouts(K8S_EU),
      runs(K8S_EU),
    );
  });

  const view = async (inClusterName?: string) => {
    const server = await startGantry({
      config: {
        gantry: {
          argocd: {
            instances: [
              {
                name: 'main',
                url: ARGO,
                token: 't',
                ...(inClusterName ? { inClusterName } : {}),
              },
            ],
          },
          kubernetes: {
            clusters: [
              { name: 'prod', url: K8S },
              { name: 'eu', url: K8S_EU },
            ],
          },
        },
      },
      entities: [checkoutEntity],
    });
    const res = await request(server)
      .get('/api/gantry/entities/default/component/checkout/deployments')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const [staging, production] = res.body.applications;
    return { body: res.body, staging, production };
  };

  it('reports an in-cluster destination with two clusters as ambiguous instead of showing no rollouts silently', async () => {
    const { body, staging } = await view();
    expect(staging.rollouts).toEqual([]);
    expect(body.errors).toEqual([
      {
        source: 'argocd:main',
        message:
          'Application checkout-staging deploys to the cluster Argo CD main runs in (https://kubernetes.default.svc), and 2 clusters are configured (prod, eu): set gantry.argocd.instances[main].inClusterName to the one it is, to see its rollouts.',
      },
    ]);
    expect(seen.filter(s => s.startsWith('rollouts'))).toEqual([
      `rollouts ${K8S} shop-prod`,
    ]);
  });

  it("maps the in-cluster destination through the instance's inClusterName", async () => {
    const { body, staging } = await view('eu');
    expect(body.errors).toEqual([]);
    expect(staging.rollouts.map((r: any) => [r.cluster, r.name])).toEqual([
      ['eu', 'checkout'],
    ]);
  });

  it('shows the commit of the first Git source when a Helm chart comes first', async () => {
    const { production } = await view('prod');
    expect(production.sources.map((s: any) => s.chart ?? s.path)).toEqual([
      'checkout-config',
      'services/checkout/overlays/production',
    ]);
    expect(seen).toContain(
      'metadata checkout-production 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432 ?sourceIndex=1',
    );
    expect(production.commit).toMatchObject({
      author: 'Alice Andersen <alice@acme.example>',
    });
  });
});
