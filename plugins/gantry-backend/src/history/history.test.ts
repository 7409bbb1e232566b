import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { denyOnlyUser } from '../__testUtils__/permissions';
import { readGantryConfig } from '../kernel/config/gantryConfig';
import { gantryPlugin } from '../plugin';
import { HISTORY } from './__fixtures__/doraHistory';
import { DeploymentHistoryService } from './DeploymentHistoryService';
import { KnexDeploymentStore } from './KnexDeploymentStore';
import { deploymentEvent, type DeploymentEvent } from './webhookPayloads';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';

jest.setTimeout(90_000);
const databases = createTestDatabases();
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'argocd/app-name': 'checkout-production' },
    },
    spec: { type: 'service', owner: 'group:default/payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'cart',
      namespace: 'default',
      annotations: { 'argocd/app-selector': 'app.kubernetes.io/name=cart' },
    },
    spec: { type: 'service', owner: 'group:default/payments' },
  },
];
const config = {
  gantry: { argocd: { instances: [{ name: 'main', url: 'https://argo' }] } },
};
const LABELS = { 'gantry.dev/environment': 'production' };
const rows = async (knex: Knex) =>
  Number((await knex('gantry_deployments').count({ n: '*' }))[0].n);

/** HISTORY as the notification webhooks would report it; E rolls back to C's revision. */
function eventsFor(): DeploymentEvent[] {
  const revision = (id: string) => `rev-${id === 'E' ? 'C' : id}`;
  return HISTORY.flatMap(h => {
    const sync: DeploymentEvent = deploymentEvent.parse({
      source: 'argocd',
      application: 'checkout-production',
      labels: LABELS,
      revision: revision(h.id),
      phase:
        { failed: 'Failed', running: 'Running' }[h.outcome as string] ??
        'Succeeded',
      startedAt: h.startedAt,
      finishedAt: h.finishedAt ?? '',
      commitTime: h.commitTime ?? '<no value>',
      initiatedBy: h.manualIntervention
        ? { username: 'alice@acme.example', automated: 'false' }
        : { automated: 'true' },
    });
    if (h.outcome !== 'aborted') return [sync];
    return [
      sync,
      deploymentEvent.parse({
        source: 'argo-rollouts',
        event: 'rollout-aborted',
        application: 'checkout-production',
        labels: LABELS,
        rollout: 'checkout',
        namespace: 'checkout-prod',
        at: h.finishedAt,
      }),
    ];
  });
}

describe.each(databases.eachSupportedId())('deployment history on %s', id => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(id);
  });

  async function serviceAt(now: string) {
    await knex.migrate.latest({ directory: `${__dirname}/../../migrations` });
    return new DeploymentHistoryService({
      store: new KnexDeploymentStore(knex),
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      config: readGantryConfig(new ConfigReader(config)),
      now: () => new Date(now),
    });
  }

  it('keeps one row per operation however often it is reported, and gives the hand-computed DORA figures', async () => {
    const service = await serviceAt('2026-11-11T00:00:00Z');
    const events = eventsFor();
    for (const e of [...events, ...events]) await service.ingest(e);
    // a late "Running" for A must not undo its finished sync
    await service.ingest({ ...events[0], phase: 'Running' } as DeploymentEvent);

    expect(await rows(knex)).toBe(HISTORY.length);
    const page = await service.list({
      entityRef: 'component:default/checkout',
      limit: 100,
    });
    const byRevision = Object.fromEntries(
      page.items.map(i => [`${i.revision}@${i.startedAt}`, i]),
    );
    expect(byRevision['rev-A@2026-11-01T10:00:00.000Z'].outcome).toBe(
      'succeeded',
    );
    expect(byRevision['rev-C@2026-11-05T12:00:00.000Z'].rollback).toBe(true);
    expect(byRevision['rev-C@2026-11-03T11:00:00.000Z']).toMatchObject({
      manualIntervention: true,
      initiator: 'alice@acme.example',
      rollback: false,
    });
    expect(byRevision['rev-F@2026-11-08T10:00:00.000Z']).toMatchObject({
      outcome: 'aborted',
      finishedAt: '2026-11-08T10:15:00.000Z',
    });

    const dora = await service.dora(
      'component:default/checkout',
      'production',
      '30d',
    );
    expect(dora.from).toBe('2026-10-12T00:00:00.000Z');
    // G starts after "now", so F is not restored yet: restore = median(2700, 5520)
    expect(dora.current).toEqual({
      deployments: 7,
      deploymentFrequency: 4 / 30,
      leadTimeSeconds: 7800,
      changeFailureRate: 0.5,
      timeToRestoreSeconds: 4110,
      deploymentDurationSeconds: 600,
      rollbackDurationSeconds: 120,
      successWithoutInterventionRate: 0.5,
    });
    expect(dora.previous.deployments).toBe(0);
    expect(dora.trend).toHaveLength(10);
    expect(dora.trend.reduce((n, b) => n + b.deployments, 0)).toBe(7);
  });

  it('finds the entity by app-name or app-selector and says how to fix an unknown app', async () => {
    const service = await serviceAt('2026-11-11T00:00:00Z');
    const base = {
      source: 'argocd' as const,
      revision: 'abc',
      phase: 'Succeeded' as const,
      startedAt: '2026-11-10T10:00:00.000Z',
    };
    await expect(
      service.ingest({
        ...base,
        application: 'cart-prod',
        labels: { 'app.kubernetes.io/name': 'cart', ...LABELS },
      }),
    ).resolves.toMatchObject({
      entityRef: 'component:default/cart',
      environment: 'production',
    });
    await expect(
      service.ingest({ ...base, application: 'nobody', labels: LABELS }),
    ).rejects.toThrow(
      "No catalog entity is annotated for Argo CD application 'nobody'. Annotate its entity with argocd/app-name: nobody",
    );
    await expect(
      service.ingest({ ...base, application: 'checkout-production' }),
    ).rejects.toThrow(
      "Cannot tell which environment application 'checkout-production' deploys to. Label the Application gantry.dev/environment=<environment>",
    );
    expect(await rows(knex)).toBe(1);
  });

  describe('over HTTP', () => {
    let server: any;
    beforeEach(async () => {
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities }),
          denyOnlyUser('user:default/mallory'),
        ],
      }));
    });
    const event = {
      source: 'argocd',
      application: 'checkout-production',
      labels: LABELS,
      revision: '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b',
      phase: 'Succeeded',
      startedAt: '2026-11-26T09:58:00Z',
      finishedAt: '2026-11-26T09:58:20Z',
    };

    it('accepts notifications from services only, idempotently', async () => {
      const post = (auth: string, body: object = event) =>
        request(server)
          .post('/api/gantry/deployments/events')
          .set('Authorization', auth)
          .send(body);
      expect((await post(mockCredentials.user.header())).status).toBe(403);
      const first = await post(mockCredentials.service.header());
      expect(first.status).toBe(202);
      expect(first.body).toEqual({
        entityRef: 'component:default/checkout',
        environment: 'production',
        application: 'checkout-production',
        revision: event.revision,
        startedAt: '2026-11-26T09:58:00.000Z',
      });
      expect((await post(mockCredentials.service.header())).status).toBe(202);

      const bad = await post(mockCredentials.service.header(), {
        ...event,
        phase: 'Done',
        startedAt: 'yesterday',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('phase: Invalid enum value');
      expect(bad.body.error.message).toContain(
        'startedAt: must be an RFC 3339 time such as 2026-11-26T12:00:00Z',
      );

      const history = await request(server)
        .get(
          '/api/gantry/entities/default/component/checkout/deployments/history',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(history.status).toBe(200);
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0]).toMatchObject({
        outcome: 'succeeded',
        finishedAt: '2026-11-26T09:58:20.000Z',
        source: 'argocd-notification',
      });
    });

    it('pages the history and validates the DORA query', async () => {
      for (let i = 0; i < 5; i++) {
        await request(server)
          .post('/api/gantry/deployments/events')
          .set('Authorization', mockCredentials.service.header())
          .send({ ...event, startedAt: `2026-11-2${i}T10:00:00Z` })
          .expect(202);
      }
      const url =
        '/api/gantry/entities/default/component/checkout/deployments/history';
      const page1 = await request(server)
        .get(`${url}?limit=3`)
        .set('Authorization', mockCredentials.user.header());
      expect(
        page1.body.items.map((i: any) => i.startedAt.slice(0, 10)),
      ).toEqual(['2026-11-24', '2026-11-23', '2026-11-22']);
      const page2 = await request(server)
        .get(`${url}?limit=3&before=${page1.body.nextBefore}`)
        .set('Authorization', mockCredentials.user.header());
      expect(page2.body.items).toHaveLength(2);
      expect(page2.body.nextBefore).toBeUndefined();

      const dora = await request(server)
        .get('/api/gantry/entities/default/component/checkout/dora?period=5d')
        .set('Authorization', mockCredentials.user.header());
      expect(dora.status).toBe(400);
      expect(dora.body.error.message).toMatch(
        /environment: Required; period: Invalid enum value. Expected '7d' \| '30d' \| '90d' \| '365d'/,
      );
    });
  });
});
