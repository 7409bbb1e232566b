import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { startGantry } from '../__testUtils__/backend';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { SCENARIOS, scenarioSeries } from './__testUtils__/canaryScenarios';

jest.setTimeout(120_000);

const end = alignedEvalTime();
const path = '/api/gantry/entities/default/component/checkout/canary/analyses';
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'gantry.dev/canary-analysis': 'default',
      'gantry.dev/tracing-url':
        'https://jaeger.example.com/search?service={service}&start={startUs}&end={endUs}',
    },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};
// What the AnalysisTemplate sends: Argo fills {{args.*}} in as strings.
const argoBody = {
  rolloutNamespace: 'shop',
  rollout: 'checkout',
  service: 'checkout',
  step: '2',
  canaryHash: SCENARIOS.latency.canary.hash,
  baselineHash: SCENARIOS.latency.baseline.hash,
  windowSeconds: 600,
  stepSeconds: '30',
  end: new Date(end * 1000).toISOString(),
};
const argo = mockCredentials.service.header();

describe('canary analysis routes', () => {
  const prometheus = usePrometheus({
    series: scenarioSeries([SCENARIOS.latency], {
      from: end - 1800,
      to: end,
      stepSeconds: 15,
    }),
  });
  let server: any;

  beforeAll(async () => {
    server = await startGantry({
      config: { gantry: { prometheus: { baseUrl: prometheus().url } } },
      entities: [
        entity,
        { ...entity, metadata: { ...entity.metadata, name: 'locked' } },
      ],
      services: [
        // The policy allows everything except on the entity 'locked'.
        mockServices.permissions.mock({
          authorize: async reqs =>
            reqs.map(r => ({
              result:
                'resourceRef' in r &&
                r.resourceRef === 'component:default/locked'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })) as any,
        }).factory,
      ],
    });
  });

  it('judges a canary for an Argo Rollouts web metric and replays the stored verdict', async () => {
    const first = await request(server)
      .post(path)
      .set('Authorization', argo)
      .send(argoBody);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      verdict: 'Fail',
      score: 66.67,
      step: 2,
      rollout: { namespace: 'shop', name: 'checkout' },
      requestedBy: 'service:external:test-service',
      replayed: false,
    });
    expect(
      first.body.metrics.map((m: any) => [m.name, m.classification]),
    ).toEqual([
      ['error rate', 'Pass'],
      ['p99 latency', 'High'],
      ['throughput per pod', 'Pass'],
    ]);

    const again = await request(server)
      .post(path)
      .set('Authorization', argo)
      .send(argoBody);
    expect(again.body).toEqual({ ...first.body, replayed: true });

    const list = await request(server)
      .get(path)
      .set('Authorization', mockCredentials.user.header());
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: any) => a.id)).toEqual([first.body.id]);
    const detail = await request(server)
      .get(`${path}/${first.body.id}`)
      .set('Authorization', mockCredentials.user.header());
    expect(detail.body.reason).toBe(first.body.reason);
    // the analysis window as a link to the service's traces
    const us = (t: string) => Date.parse(t) * 1000;
    expect(detail.body.traceUrl).toBe(
      `https://jaeger.example.com/search?service=checkout&start=${us(
        first.body.window.start,
      )}&end=${us(first.body.window.end)}`,
    );
    expect(list.body.items[0].traceUrl).toBe(detail.body.traceUrl);
    const missing = await request(server)
      .get(`${path}/nope`)
      .set('Authorization', mockCredentials.user.header());
    expect(missing.status).toBe(404);
  });

  it('takes service tokens only, with the gantry.canary.analyze permission', async () => {
    const asUser = await request(server)
      .post(path)
      .set('Authorization', mockCredentials.user.header())
      .send(argoBody);
    expect(asUser.status).toBe(403);

    const badToken = await request(server)
      .post(path)
      .set('Authorization', mockCredentials.service.invalidHeader())
      .send(argoBody);
    expect(badToken.status).toBe(401);

    const denied = await request(server)
      .post(path.replace('checkout', 'locked'))
      .set('Authorization', argo)
      .send(argoBody);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      "You are not allowed to gantry.canary.analyze on component:default/locked. Ask an administrator to grant the permission 'gantry.canary.analyze' in the permission policy.",
    );
  });

  it('rejects bad input with a message that says how to fix it, and stores nothing', async () => {
    const res = await request(server)
      .post(path)
      .set('Authorization', argo)
      .send({ ...argoBody, step: '9', canaryHash: '{{args.canary-hash}}' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid request body. canaryHash: must be a rollouts-pod-template-hash (lowercase letters and digits); pass {{args.canary-hash}} / {{args.stable-hash}} filled by podTemplateHashValue.',
    );
    const selectorInjection = await request(server)
      .post(path)
      .set('Authorization', argo)
      .send({ ...argoBody, step: '9', service: 'checkout",code="200' });
    expect(selectorInjection.status).toBe(400);
    const list = await request(server)
      .get(path)
      .set('Authorization', mockCredentials.user.header());
    expect(list.body.items.map((a: any) => a.step)).toEqual([2]);
  });

  it('answers 404 for an entity that is not in the catalog', async () => {
    const res = await request(server)
      .post('/api/gantry/entities/default/component/ghost/canary/analyses')
      .set('Authorization', argo)
      .send(argoBody);
    expect(res.status).toBe(404);
  });
});
