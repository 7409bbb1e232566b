import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough } from '../../__testUtils__/backend';
import { notificationsMock } from '../../__testUtils__/compliance';
import {
  authzMatrix,
  publicReads,
  type Callers,
  type Expected,
  type MatrixFixture,
  type MatrixRequest,
} from './authzMatrix';
import {
  localhostPassthrough,
  startGantryWithPolicy,
} from './__testUtils__/startGantryWithPolicy';
import { routesOf, type RouteEntry } from './routeTable';

jest.setTimeout(120_000);

const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const MOUNT = '/api/gantry';
const fixture = (dir: string, name: string) =>
  fs.readFileSync(path.join(__dirname, '..', '..', dir, '__fixtures__', name));
const json = (dir: string, name: string) =>
  JSON.parse(fixture(dir, name).toString('utf8'));

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], members },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});
const user = (name: string, team: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: [team] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
});
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        'argocd/app-selector': 'app.kubernetes.io/name=checkout',
        'backstage.io/kubernetes-id': 'checkout',
        'gantry.dev/compliance-policy': 'default',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  group('payments', ['alice', 'bob']),
  group('platform', ['mallory']),
  user('alice', 'payments'),
  user('bob', 'payments'),
  user('mallory', 'platform'),
];

const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const METHODS_THAT_CHANGE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const keyOf = (r: RouteEntry) => `${r.method} ${r.path}`;

/** Stand-ins for Argo CD and the Kubernetes API, so actions fail only on purpose. */
const mocks = setupServer(
  localPassthrough,
  localhostPassthrough,
  http.get(`${ARGO}/api/v1/applications`, () =>
    HttpResponse.json(json('deployments', 'applications.json')),
  ),
  http.get(`${ARGO}/api/v1/applications/:name`, ({ params }) =>
    HttpResponse.json(
      json('deployments', 'applications.json').items.find(
        (a: any) => a.metadata.name === params.name,
      ),
    ),
  ),
  http.post(`${ARGO}/api/v1/applications/:name/:action`, () =>
    HttpResponse.json({}),
  ),
  http.get(
    `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts/:name`,
    () => HttpResponse.json(json('rollouts', 'rollout-bluegreen-paused.json')),
  ),
  http.patch(
    `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts/:name/status`,
    () => HttpResponse.json({}),
  ),
);

describe('authorization matrix of every mutating route', () => {
  registerMswTestHooks(mocks);
  let server: Server;
  let routes: RouteEntry[];
  let ids: MatrixFixture;
  let flagSecret: string;
  const files = { trivy: fixture('evidence/parsers', 'trivy-v2.json') };

  beforeAll(async () => {
    server = (await startGantryWithPolicy({
      config: {
        gantry: {
          argocd: { instances: [{ name: 'main', url: ARGO }] },
          kubernetes: { clusters: [{ name: 'prod', url: K8S }] },
        },
      },
      entities,
      services: [notificationsMock],
    })) as Server;
    routes = routesOf(server, MOUNT);

    // A release, a promotion request by bob for alice to decide, and two client keys.
    const entity = `${MOUNT}/entities/default/component/checkout`;
    await request(server)
      .post(`${entity}/releases/1.4.2/evidence/trivy?commit=${'a'.repeat(40)}`)
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/octet-stream')
      .send(files.trivy)
      .expect(201);
    const promotion = await request(server)
      .post(`${entity}/releases/1.4.2/promotions`)
      .set('Authorization', as('bob'))
      .send({ environment: 'production', reason: 'ship the fix' })
      .expect(201);
    const key = (name: string) =>
      request(server)
        .post(`${entity}/flag-keys`)
        .set('Authorization', as('alice'))
        .send({ environment: 'staging', name })
        .expect(201);
    flagSecret = (await key('matrix-evaluator')).body.secret;
    ids = {
      promotionId: promotion.body.id,
      spareKeyId: (await key('matrix-spare')).body.id,
    };
  });

  it('has a row for every mutating route the router serves, and none for a route that is gone', () => {
    const served = routes
      .filter(r => METHODS_THAT_CHANGE.has(r.method))
      .map(keyOf);
    expect(served.length).toBeGreaterThan(20);
    const missing = served.filter(k => !(k in authzMatrix));
    const gone = Object.keys(authzMatrix).filter(k => !served.includes(k));
    // A new route needs its row in authzMatrix.ts: decide who may call it.
    expect({ missing, gone }).toEqual({ missing: [], gone: [] });
  });

  it('answers anonymous reads with 401 except for the public ones', async () => {
    const reads = routes.filter(r => r.method === 'GET').map(keyOf);
    expect([...publicReads].filter(k => !reads.includes(k))).toEqual([]);
    const open: string[] = [];
    for (const route of routes.filter(r => r.method === 'GET')) {
      if (publicReads.has(keyOf(route))) continue;
      const res = await request(server)
        .get(MOUNT + route.path.replace(/:(\w+)/g, 'x'))
        .set('Authorization', mockCredentials.none.header());
      if (res.status !== 401) open.push(`${keyOf(route)} -> ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  const callers = (row: Callers<Expected>) =>
    (['anonymous', 'otherTeam', 'service', 'owner', 'flagClient'] as const)
      // owners last: their requests may change state the others' would have needed
      .filter(c => row[c] !== undefined);

  const headerOf = (caller: keyof Callers<Expected>): string => {
    switch (caller) {
      case 'anonymous':
        // The mock auth reads a missing header as its default user; this token means none.
        return mockCredentials.none.header();
      case 'otherTeam':
        return as('mallory');
      case 'owner':
        return as('alice');
      case 'service':
        return mockCredentials.service.header();
      default:
        return `Bearer ${flagSecret}`;
    }
  };

  const send = (method: string, req: MatrixRequest, auth: string) => {
    const r = request(server)
      [method.toLowerCase() as 'post'](MOUNT + req.path)
      .set('Authorization', auth);
    if (req.raw)
      return r.set('Content-Type', req.raw.contentType).send(req.raw.bytes);
    return req.body ? r.send(req.body) : r;
  };

  /** The outcome class of an answer; unexpected answers keep their status and message. */
  const outcomeOf = (
    status: number,
    body: any,
    expected: Expected,
  ): Expected | string => {
    if (status === expected) return expected;
    if (status === 401 || status === 403) return status;
    if (status < 500 && expected === 'authorized') return 'authorized';
    return `${status} ${body?.error?.message ?? body?.errorDetails ?? ''}`;
  };

  it('serves the flagd sync source to flag client keys of that entity and environment only', async () => {
    const flagd = `${MOUNT}/flagd/v1/entities/default/component/checkout`;
    const statusFor = async (caller: keyof Callers<Expected>, env: string) =>
      (
        await request(server)
          .get(`${flagd}/${env}/flags.json`)
          .set('Authorization', headerOf(caller))
      ).status;
    expect({
      anonymous: await statusFor('anonymous', 'staging'),
      otherTeam: await statusFor('otherTeam', 'staging'),
      owner: await statusFor('owner', 'staging'),
      service: await statusFor('service', 'staging'),
      flagClient: await statusFor('flagClient', 'staging'),
      flagClientOtherEnvironment: await statusFor('flagClient', 'production'),
    }).toEqual({
      anonymous: 401,
      otherTeam: 401,
      owner: 401,
      service: 401,
      flagClient: 200,
      flagClientOtherEnvironment: 403,
    });
  });

  it.each(Object.entries(authzMatrix))('%s', async (route, row) => {
    const method = route.split(' ')[0];
    const req = row.request(ids, files);
    const actual: Record<string, Expected | string> = {};
    for (const caller of callers(row.expect)) {
      const res = await send(method, req, headerOf(caller));
      actual[caller] = outcomeOf(res.status, res.body, row.expect[caller]!);
    }
    expect(actual).toEqual(row.expect);
  });
});
