import { createServer, type Server } from 'node:http';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  gantryProvidersExtensionPoint,
  type GantryProvidersExtensionPoint,
  type MetricsSource,
} from '@gantry/plugin-gantry-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough } from '../__testUtils__/backend';
import { readFixture } from '../__testUtils__/fixtures';
import { gantryPlugin } from '../plugin';

jest.setTimeout(60_000);

const ARGO_MAIN = 'https://argocd.test';
const ARGO_EU = 'https://argocd-eu.test';
const K8S = 'https://k8s.test';

const SLO_SPEC = `version: prometheus/v1
service: checkout
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{service="checkout"}[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
`;

/** Deployed to the module's Argo CD instance and cluster; declares one SLO inline. */
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'argocd/instance-name': 'eu-west',
      'backstage.io/kubernetes-id': 'checkout',
      'gantry.dev/slos': SLO_SPEC,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};
const ENTITY_PATH = '/api/gantry/entities/default/component/checkout';

interface SeenRequest {
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A Prometheus-compatible HTTP API (as Thanos Query or Mimir serve it) on 127.0.0.1 that
 * answers every query with `errorRatio`: a vector for /api/v1/query, a matrix for
 * /api/v1/query_range, in the Prometheus API's JSON shapes.
 */
async function fakePrometheusApi(errorRatio: number) {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({
        path,
        query: params.get('query') ?? '',
        headers: req.headers,
      });
      const json = (status: number, payload: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(payload));
      if (path === '/api/v1/query') {
        const time = Number(params.get('time') ?? Date.now() / 1000);
        json(200, {
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: {}, value: [time, String(errorRatio)] }],
          },
        });
      } else if (path === '/api/v1/query_range') {
        const start = Number(params.get('start'));
        const end = Number(params.get('end'));
        const step = Number(params.get('step'));
        const values: Array<[number, string]> = [];
        for (let t = start; t <= end; t += step) {
          values.push([t, String(errorRatio)]);
        }
        json(200, {
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        });
      } else {
        json(404, { status: 'error', errorType: 'not_found', error: path });
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(r => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A backend module for the gantry plugin that registers providers in its init. */
const providersModule = (
  moduleId: string,
  register: (providers: GantryProvidersExtensionPoint) => void,
) =>
  createBackendModule({
    pluginId: 'gantry',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { providers: gantryProvidersExtensionPoint },
        async init({ providers }) {
          register(providers);
        },
      });
    },
  });

async function startWith(
  config: object,
  modules: ReturnType<typeof providersModule>[],
) {
  const { server } = await startTestBackend({
    features: [
      gantryPlugin,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities: [entity] }),
      ...modules,
    ],
  });
  return server;
}

const get = (server: any, path: string) =>
  request(server)
    .get(`${ENTITY_PATH}${path}`)
    .set('Authorization', mockCredentials.user.header());

describe('providers registered by backend modules (gantryProvidersExtensionPoint)', () => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);
  const fakes: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map(f => f.close()));
  });
  const prometheusApi = async (errorRatio: number) => {
    const fake = await fakePrometheusApi(errorRatio);
    fakes.push(fake);
    return fake;
  };

  /** Argo CD and Kubernetes stand-ins; `seen` records who was asked with which token. */
  function argoAndKubernetes() {
    const seen: string[] = [];
    mocks.use(
      localPassthrough,
      http.get(`${ARGO_MAIN}/api/v1/applications`, () => {
        seen.push('main applications');
        return HttpResponse.json({ items: [] });
      }),
      http.get(`${ARGO_EU}/api/v1/applications`, ({ request: r }) => {
        seen.push(`eu-west applications ${r.headers.get('authorization')}`);
        return HttpResponse.json(
          readFixture('deployments', 'applications.json'),
        );
      }),
      http.get(
        `${ARGO_EU}/api/v1/applications/:name/revisions/:rev/metadata`,
        () =>
          HttpResponse.json(
            readFixture('deployments', 'revision-metadata.json'),
          ),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/:kind`,
        ({ params, request: r }) => {
          seen.push(
            `k8s ${params.ns} ${params.kind} ${r.headers.get('authorization')}`,
          );
          return HttpResponse.json({
            items:
              params.ns === 'shop' && params.kind === 'rollouts'
                ? [readFixture('rollouts', 'rollout-staging-paused-25.json')]
                : [],
          });
        },
      ),
    );
    return seen;
  }

  it("reads SLOs through a module's Prometheus-compatible source, and deployments through its Argo CD instance and cluster", async () => {
    const seen = argoAndKubernetes();
    const thanos = await prometheusApi(0.0005);
    const server = await startWith(
      {
        // app-config has one Argo CD instance and neither clusters nor gantry.prometheus
        gantry: { argocd: { instances: [{ name: 'main', url: ARGO_MAIN }] } },
      },
      [
        providersModule('acme-providers', providers => {
          providers.addArgoCdInstances({
            name: 'eu-west',
            url: ARGO_EU,
            token: 'eu-token',
          });
          providers.addKubernetesClusters({
            name: 'eu-prod',
            url: K8S,
            serviceAccountToken: 'eu-k8s-token',
          });
          providers.addMetricsSource({
            name: 'thanos',
            prometheusApi: {
              baseUrl: `${thanos.url}/`,
              headers: { 'X-Scope-OrgID': 'payments' },
            },
          });
        }),
      ],
    );

    const slos = await get(server, '/slos');
    expect(slos.status).toBe(200);
    expect(slos.body.error).toBeUndefined();
    expect(slos.body.slos).toHaveLength(1);
    expect(slos.body.slos[0]).toMatchObject({
      name: 'requests-availability',
      errorRatio: 0.0005,
      sli: 0.9995,
    });
    expect(slos.body.slos[0].budget.remaining).toBeCloseTo(0.5, 9);
    // the module's endpoint answered, with the module's headers, over POST bodies
    expect(new Set(thanos.requests.map(r => r.path))).toEqual(
      new Set(['/api/v1/query', '/api/v1/query_range']),
    );
    expect(
      thanos.requests.every(r => r.headers['x-scope-orgid'] === 'payments'),
    ).toBe(true);
    expect(thanos.requests[0].query).toContain('http_requests_total');

    const deployments = await get(server, '/deployments');
    expect(deployments.status).toBe(200);
    expect(deployments.body.errors).toEqual([]);
    expect(deployments.body.configured).toEqual({
      argocd: true,
      kubernetes: true,
    });
    expect(
      deployments.body.applications.map((a: any) => [a.instance, a.name]),
    ).toEqual([
      ['eu-west', 'checkout-staging'],
      ['eu-west', 'checkout-production'],
    ]);
    // the annotation names the module's instance only: app-config's is not asked
    expect(seen).toContain('eu-west applications Bearer eu-token');
    expect(seen).not.toContain('main applications');
    // the app's destination server is the module's cluster, read with its token
    expect(seen).toContain('k8s shop rollouts Bearer eu-k8s-token');
    expect(deployments.body.applications[0].rollouts[0]).toMatchObject({
      cluster: 'eu-prod',
      name: 'checkout',
    });

    // the overview counts the module's instance and cluster as configured
    const overview = await get(server, '/overview');
    const byId = Object.fromEntries(
      overview.body.capabilities.map((c: any) => [c.id, c]),
    );
    expect(byId.deployments.missing).toEqual([]);
    expect(byId.rollouts.missing).toEqual([]);
  });

  it("reads an adapter's MetricsSource (not Prometheus HTTP) when it is the only source", async () => {
    mocks.use(localPassthrough);
    const asked: string[] = [];
    const adapter: MetricsSource = {
      async queryScalar(query) {
        asked.push(`scalar ${query}`);
        return 0.002;
      },
      async queryRange(query, range) {
        asked.push(`range ${query}`);
        const start = Number(range.start);
        return [
          {
            metric: {},
            values: [
              [start, 0.002],
              [start + range.stepSeconds, 0.002],
            ],
          },
        ];
      },
    };
    const server = await startWith({}, [
      providersModule('datadog', providers =>
        providers.addMetricsSource({ name: 'datadog', source: adapter }),
      ),
    ]);
    const slos = await get(server, '/slos');
    expect(slos.body.error).toBeUndefined();
    expect(slos.body.slos[0]).toMatchObject({ errorRatio: 0.002, sli: 0.998 });
    expect(asked.some(q => q.startsWith('scalar '))).toBe(true);
    expect(asked.some(q => q.startsWith('range '))).toBe(true);
  });

  it("keeps gantry.prometheus first: a module's second source is registered but not read", async () => {
    mocks.use(localPassthrough);
    const builtIn = await prometheusApi(0.001);
    const thanos = await prometheusApi(0.0005);
    const server = await startWith(
      { gantry: { prometheus: { baseUrl: builtIn.url } } },
      [
        providersModule('thanos', providers =>
          providers.addMetricsSource({
            name: 'thanos',
            prometheusApi: { baseUrl: thanos.url },
          }),
        ),
      ],
    );
    const slos = await get(server, '/slos');
    expect(slos.body.error).toBeUndefined();
    expect(slos.body.slos[0]).toMatchObject({ errorRatio: 0.001 });
    expect(builtIn.requests.length).toBeGreaterThan(0);
    expect(thanos.requests).toEqual([]);
  });

  it.each([
    {
      what: 'an Argo CD instance named like one in app-config',
      config: {
        gantry: { argocd: { instances: [{ name: 'main', url: ARGO_MAIN }] } },
      },
      modules: [
        providersModule('argo', p =>
          p.addArgoCdInstances({ name: 'main', url: ARGO_EU }),
        ),
      ],
      message:
        "Argo CD instance 'main' is registered by app-config (gantry.argocd.instances) and by a backend module (gantryProvidersExtensionPoint). Argo CD instance names must be unique; rename one of them.",
    },
    {
      what: 'a Kubernetes cluster named like one in app-config',
      config: {
        gantry: { kubernetes: { clusters: [{ name: 'prod', url: K8S }] } },
      },
      modules: [
        providersModule('clusters', p =>
          p.addKubernetesClusters({ name: 'prod', url: 'https://other.test' }),
        ),
      ],
      message:
        "Kubernetes cluster 'prod' is registered by app-config (gantry.kubernetes.clusters) and by a backend module",
    },
    {
      what: "a metrics source named 'prometheus' next to gantry.prometheus",
      config: { gantry: { prometheus: { baseUrl: 'http://127.0.0.1:9' } } },
      modules: [
        providersModule('mimir', p =>
          p.addMetricsSource({
            name: 'prometheus',
            prometheusApi: { baseUrl: 'http://127.0.0.1:10' },
          }),
        ),
      ],
      message:
        "Metrics source 'prometheus' is registered by app-config (gantry.prometheus) and by a backend module",
    },
    {
      what: 'two modules registering one metrics source name',
      config: {},
      modules: [
        providersModule('thanos-a', p =>
          p.addMetricsSource({
            name: 'thanos',
            prometheusApi: { baseUrl: 'http://127.0.0.1:9' },
          }),
        ),
        providersModule('thanos-b', p =>
          p.addMetricsSource({
            name: 'thanos',
            prometheusApi: { baseUrl: 'http://127.0.0.1:10' },
          }),
        ),
      ],
      message:
        "Metrics source 'thanos' is registered twice by backend modules (gantryProvidersExtensionPoint)",
    },
  ])('fails startup on $what', async ({ config, modules, message }) => {
    mocks.use(localPassthrough);
    const failure = await startWith(config, modules).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(causes(failure!)).toContain(message);
  });
});

/** The error's message and those of its causes: Backstage wraps startup failures. */
function causes(e: Error): string {
  const out: string[] = [];
  for (let c: any = e; c; c = c.cause) out.push(String(c.message ?? c));
  return out.join('\n');
}
