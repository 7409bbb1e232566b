import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough } from '../__testUtils__/backend';
import {
  notificationsMock,
  sentNotifications,
} from '../__testUtils__/compliance';
import { readFixture } from '../__testUtils__/fixtures';
import { checkoutEntity } from '../__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/databases';
import { denyOnlyUser } from '../__testUtils__/permissions';
import { gantryPlugin } from '../plugin';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const checkout: Entity = {
  ...checkoutEntity,
  metadata: {
    ...checkoutEntity.metadata,
    annotations: {
      ...checkoutEntity.metadata.annotations,
      'gantry.dev/escalation': 'group:default/sre',
      'gantry.dev/escalation-after': '15m',
    },
  },
};
const PREVIOUS = '1111111111111111111111111111111111111111,7.1.0';
const SUSPECT = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432,7.2.0';

/** An Alertmanager v4 webhook body, as Alertmanager 0.25 sends it. */
function alertmanager(
  status: 'firing' | 'resolved',
  startsAt: string,
  endsAt = '0001-01-01T00:00:00Z',
) {
  const alert = {
    status,
    labels: {
      alertname: 'CheckoutHighErrorRate',
      severity: 'page',
      gantry_entity: 'component:default/checkout',
      sloth_service: 'checkout',
      sloth_slo: 'requests-availability',
      environment: 'production',
    },
    annotations: {
      summary: 'checkout is burning its error budget 14.4x too fast',
      runbook_url:
        'https://backstage.example.com/docs/default/component/checkout/runbooks/checkouthigherrorrate/',
    },
    startsAt,
    endsAt,
    generatorURL:
      'http://prometheus:9090/graph?g0.expr=slo%3Asli_error%3Aratio_rate5m',
    fingerprint: 'c6b2ad1f0a4e9b37',
  };
  return {
    receiver: 'gantry',
    status,
    alerts: [
      alert,
      {
        ...alert,
        labels: { alertname: 'NodeDiskFull', instance: 'node-3' },
        fingerprint: '0f0f0f0f0f0f0f0f',
      },
    ],
    groupLabels: { alertname: 'CheckoutHighErrorRate' },
    commonLabels: { severity: 'page' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}/{severity="page"}:{alertname="CheckoutHighErrorRate"}',
    truncatedAlerts: 0,
  };
}

describe.each(databases.eachSupportedId())('incidents on %s', id => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);
  let server: any;
  let knex: Knex;
  let calls: string[];

  beforeEach(async () => {
    knex = await databases.init(id);
    sentNotifications.length = 0;
    calls = [];
    mocks.use(
      localPassthrough,
      http.get(`${ARGO}/api/v1/applications`, () =>
        HttpResponse.json(readFixture('deployments', 'applications.json')),
      ),
      http.get(
        `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
        () =>
          HttpResponse.json(
            readFixture('deployments', 'revision-metadata.json'),
          ),
      ),
      http.get(`${ARGO}/api/v1/applications/:name`, ({ params }) =>
        HttpResponse.json(
          readFixture('deployments', 'applications.json').items.find(
            (a: any) => a.metadata.name === params.name,
          ),
        ),
      ),
      // What Argo CD renders at history #1 (1.4.1), which the production gate checks.
      http.get(`${ARGO}/api/v1/applications/:name/manifests`, () =>
        HttpResponse.json(
          readFixture('deployments', 'manifests-production-1.json'),
        ),
      ),
      http.post(
        `${ARGO}/api/v1/applications/:name/rollback`,
        async ({ params, request: r }) => {
          calls.push(`rollback ${params.name} ${await r.text()}`);
          return HttpResponse.json({});
        },
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts`,
        ({ params }) =>
          HttpResponse.json({
            items:
              params.ns === 'shop-prod'
                ? [
                    readFixture('rollouts', 'rollout-production-aborted.json'),
                    readFixture('rollouts', 'rollout-bluegreen-paused.json'),
                  ]
                : [readFixture('rollouts', 'rollout-staging-paused-25.json')],
          }),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts/:name`,
        () =>
          HttpResponse.json(
            readFixture('rollouts', 'rollout-bluegreen-paused.json'),
          ),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/analysisruns`,
        () => HttpResponse.json({ items: [] }),
      ),
      http.patch(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts/:name/status`,
        async ({ params, request: r }) => {
          calls.push(`patch ${params.ns}/${params.name} ${await r.text()}`);
          return HttpResponse.json({});
        },
      ),
    );
    ({ server } = await startTestBackend({
      features: [
        gantryPlugin,
        mockServices.database.factory({ knex, migrations: { skip: false } }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://backstage.example.com' },
            gantry: {
              argocd: { instances: [{ name: 'main', url: ARGO }] },
              kubernetes: { clusters: [{ name: 'prod', url: K8S }] },
              incidents: { correlationWindow: '2h' },
              compliance: {
                policies: { default: { production: ['tests'] } },
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [checkout] }),
        notificationsMock,
        denyOnlyUser('user:default/mallory'),
      ],
    }));
  });

  const service = () => mockCredentials.service.header();
  const user = (name = 'alice') =>
    mockCredentials.user.header(`user:default/${name}`);
  const base = '/api/gantry/entities/default/component/checkout';
  const deployment = (revision: string, startedAt: string) =>
    request(server)
      .post('/api/gantry/deployments/events')
      .set('Authorization', service())
      .send({
        source: 'argocd',
        instance: 'main',
        application: 'checkout-production',
        labels: {
          'app.kubernetes.io/name': 'checkout',
          'gantry.dev/environment': 'production',
        },
        revision,
        phase: 'Succeeded',
        startedAt,
        finishedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
      })
      .expect(202);

  it('opens one incident naming the suspect release, notifies the owners, and its remedies call the Delivery tab services', async () => {
    await deployment(PREVIOUS, '2026-11-24T10:00:00Z');
    await deployment(SUSPECT, '2026-11-26T09:30:00Z');

    const post = (body: object) =>
      request(server)
        .post('/api/gantry/alerts/alertmanager')
        .set('Authorization', service())
        .send(body);
    const firing = alertmanager('firing', '2026-11-26T10:00:00Z');
    const first = await post(firing);
    expect(first.status).toBe(202);
    expect(first.body.incidents).toHaveLength(1);
    expect(first.body.ignored).toEqual([
      {
        fingerprint: '0f0f0f0f0f0f0f0f',
        reason: expect.stringContaining('label it gantry_entity='),
      },
    ]);
    // Alertmanager redelivers on every group_interval: nothing new
    const again = await post(firing);
    expect(again.body.incidents).toEqual(first.body.incidents);
    expect(sentNotifications).toHaveLength(1);
    expect(sentNotifications[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: ['group:default/payments'] },
      payload: {
        title:
          'Incident on component:default/checkout: CheckoutHighErrorRate: checkout is burning its error budget 14.4x too fast',
        link: 'https://backstage.example.com/catalog/default/component/checkout/delivery',
      },
    });

    const incidentId = first.body.incidents[0];
    const detail = await request(server)
      .get(`${base}/incidents/${incidentId}`)
      .set('Authorization', user());
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: 'open',
      startedAt: '2026-11-26T10:00:00.000Z',
      suspect: { revision: SUSPECT, environment: 'production' },
      timeToDetectSeconds: 29 * 60, // finished 09:31, alert at 10:00
      alerts: [
        {
          alertname: 'CheckoutHighErrorRate',
          status: 'firing',
          runbookUrl: expect.stringContaining('/runbooks/'),
        },
      ],
      owners: ['group:default/payments', 'group:default/sre'],
    });
    expect(detail.body.remedies.map((r: any) => r.label)).toEqual([
      'Abort rollout shop-prod/checkout-worker (1.5.0)',
      'Roll checkout-production back to 1111111',
    ]);

    const [abort, rollback] = detail.body.remedies.map(
      ({ label, ...target }: any) => target,
    );
    const remedy = (body: object, who = 'alice') =>
      request(server)
        .post(`${base}/incidents/${incidentId}/remedies`)
        .set('Authorization', user(who))
        .send(body);
    const denied = await remedy(rollback, 'mallory');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("'gantry.argocd.rollback'");
    expect((await remedy(abort)).status).toBe(200);
    // A rollback of production passes the gate of the release it returns to (issue 16).
    const gated = await remedy(rollback);
    expect(gated.status).toBe(409);
    expect(gated.body.error.message).toContain(
      'Rollback of checkout-production is blocked by the production gate of release 1.4.1',
    );
    await request(server)
      .post(`${base}/releases/1.4.1/evidence/junit?commit=${'1'.repeat(40)}`)
      .set('Authorization', service())
      .set('Content-Type', 'application/xml')
      .send(
        '<testsuite name="checkout" tests="1"><testcase name="ok"/></testsuite>',
      )
      .expect(201);
    expect((await remedy(rollback)).status).toBe(200);
    expect(calls).toEqual([
      'patch shop-prod/checkout-worker {"status":{"abort":true}}',
      'rollback checkout-production {"id":1,"prune":false,"dryRun":false}',
    ]);
    const stale = await remedy({ ...rollback, historyId: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain('That remedy no longer applies');

    const ack = await request(server)
      .post(`${base}/incidents/${incidentId}/acknowledge`)
      .set('Authorization', user());
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/alice',
    });

    const resolved = await post(
      alertmanager('resolved', '2026-11-26T10:00:00Z', '2026-11-26T10:42:00Z'),
    );
    expect(resolved.status).toBe(202);
    const list = await request(server)
      .get(`${base}/incidents`)
      .set('Authorization', user());
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-26T10:42:00.000Z',
      timeToRestoreSeconds: 42 * 60,
    });
    // time to detect and restore feed the DORA figures
    const dora = await request(server)
      .get(`${base}/dora?environment=production&period=365d`)
      .set('Authorization', user());
    expect(dora.body.incidents).toEqual({
      count: 1,
      timeToDetectSeconds: 29 * 60,
      timeToRestoreSeconds: 42 * 60,
    });
    expect(list.body.items[0].timeline.map((t: any) => t.kind)).toEqual([
      'alert-firing',
      'opened',
      'remedy',
      'remedy',
      'acknowledged',
      'alert-resolved',
      'resolved',
    ]);
  });

  it('accepts only services and v4 payloads, with messages that say what to fix', async () => {
    const asUser = await request(server)
      .post('/api/gantry/alerts/alertmanager')
      .set('Authorization', user())
      .send(alertmanager('firing', '2026-11-26T10:00:00Z'));
    expect(asUser.status).toBe(403);
    const bad = await request(server)
      .post('/api/gantry/alerts/alertmanager')
      .set('Authorization', service())
      .send({ ...alertmanager('firing', 'soon'), version: '3' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'version: Gantry reads Alertmanager webhook version 4',
    );
    expect(bad.body.error.message).toContain(
      'alerts.0.startsAt: must be an RFC 3339 time',
    );
    expect(
      Number((await knex('gantry_incidents').count({ n: '*' }))[0].n),
    ).toBe(0);
  });
});
