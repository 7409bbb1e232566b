import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
  sentNotifications,
} from '../../__testUtils__/compliance';
import { createTestDatabases } from '../../__testUtils__/databases';
import { booleanFlag } from '../../flags/__fixtures__/flagSets';
import { gantryPlugin } from '../../plugin';
import { roundRobin } from './roundRobin';

jest.setTimeout(180_000);
const databases = createTestDatabases();
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const base = '/api/gantry/entities/default/component/checkout';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const service = () => mockCredentials.service.header();
const junit = fs.readFileSync(
  path.join(
    __dirname,
    '..',
    '..',
    'evidence/parsers/__fixtures__/junit-nested.xml',
  ),
);

// checkout escalates to security one second after nobody acknowledged
const entities: Entity[] = complianceEntities.map(e =>
  e.metadata.name === 'checkout'
    ? {
        ...e,
        metadata: {
          ...e.metadata,
          annotations: {
            ...e.metadata.annotations,
            'gantry.dev/escalation': 'group:default/security',
            'gantry.dev/escalation-after': '1s',
          },
        },
      }
    : e,
);

/**
 * A replica of the backend. Backstage's scheduler migrates its own tables without a
 * retry, so of two replicas starting together on an empty database one can lose that
 * race ("duplicate key" creating backstage_backend_tasks tables); it is started again,
 * as Kubernetes would restart the pod. Gantry's own migrations retry (database/migrate.ts).
 */
async function replica(knex: any, attempts = 3): Promise<http.Server> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startReplica(knex);
    } catch (e) {
      const schedulerRace =
        /backstage_backend_tasks.*(duplicate key|already exists)/s.test(
          String(e),
        );
      if (!schedulerRace || attempt >= attempts) throw e;
    }
  }
}

async function startReplica(knex: any): Promise<http.Server> {
  const { server } = await startTestBackend({
    features: [
      gantryPlugin,
      mockServices.database.factory({ knex, migrations: { skip: false } }),
      mockServices.rootConfig.factory({
        data: {
          gantry: {
            flags: { pollIntervalMs: 250 },
            incidents: { escalationCheckSeconds: 1 },
          },
        },
      }),
      catalogServiceMock.factory({ entities }),
      notificationsMock,
      // the real scheduler: tasks are locked in the shared database, once per tick
      schedulerServiceFactory,
    ],
  });
  return server;
}

const count = async (knex: any, table: string, where: object = {}) =>
  Number((await knex(table).where(where).count({ n: '*' }))[0].n);

// PostgreSQL only: SQLite is one process's file, never shared by replicas.
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)(
  'two replicas behind a round-robin on %s',
  databaseId => {
    let knex: any;
    let a: http.Server;
    let b: http.Server;
    let lb: Awaited<ReturnType<typeof roundRobin>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      [a, b] = await Promise.all([replica(knex), replica(knex)]);
      lb = await roundRobin([a, b]);
    });
    afterAll(() => lb?.close());

    it('loses no update, audits each change once, keeps the chain intact and serves evaluations throughout', async () => {
      const put = (baseVersion: number | null, user: string, i: number) =>
        request(lb.server)
          .put(`${base}/flags/staging/checkout-v2`)
          .set('Authorization', as(user))
          .send({
            flag: {
              type: 'release',
              definition: {
                ...booleanFlag,
                defaultVariant: i % 2 ? 'on' : 'off',
              },
            },
            baseVersion,
            reason: `edit ${i}`,
          });
      const created = await put(null, 'alice', 0);
      expect(created.status).toBe(200);
      const key = await request(lb.server)
        .post(`${base}/flag-keys`)
        .set('Authorization', as('alice'))
        .send({ environment: 'staging', name: 'load' });
      expect(key.status).toBe(201);

      // evaluations run on both replicas while everything else happens
      let evaluating = true;
      const evaluations = { ok: 0, failed: 0 };
      const evaluator = (async () => {
        while (evaluating) {
          const res = await request(lb.server)
            .post('/api/gantry/ofrep/v1/evaluate/flags/checkout-v2')
            .set('Authorization', `Bearer ${key.body.secret}`)
            .send({ context: { targetingKey: `user-${evaluations.ok}` } });
          if (res.status === 200) evaluations.ok++;
          else evaluations.failed++;
        }
      })();

      // 16 writers race on the same flag version: one wins, the rest get 412
      const edits = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          put(created.body.flag.version, i % 2 ? 'alice' : 'bob', i + 1),
        ),
      );
      const statuses = edits.map(r => r.status).sort();
      expect(statuses.filter(s => s === 200)).toHaveLength(1);
      expect(statuses.filter(s => s === 412)).toHaveLength(15);

      // then 12 writers one after another on whatever they read: every one lands
      let version = edits.find(r => r.status === 200)!.body.flag.version;
      for (let i = 0; i < 12; i++) {
        const res = await put(version, 'alice', 100 + i);
        expect(res.status).toBe(200);
        version = res.body.flag.version;
      }
      expect(version).toBe(created.body.flag.version + 13);

      // evidence from 10 CI jobs at once, each for its own release
      const uploads = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(lb.server)
            .post(`${base}/releases/1.${i}.0/evidence/junit?commit=${COMMIT}`)
            .set('Authorization', service())
            .set('Content-Type', 'application/octet-stream')
            .send(junit),
        ),
      );
      expect(uploads.map(u => u.status)).toEqual(Array(10).fill(201));

      // two approvers decide the same promotion at once, on different replicas
      const asked = await request(lb.server)
        .post(`${base}/releases/1.0.0/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: 'ship it' });
      expect(asked.status).toBe(201);
      const decisions = await Promise.all(
        ['bob', 'bob'].map(u =>
          request(lb.server)
            .post(`/api/gantry/promotions/${asked.body.id}/decision`)
            .set('Authorization', as(u))
            .send({ decision: 'approve', comment: 'reviewed' }),
        ),
      );
      expect(decisions.map(d => d.status).sort()).toEqual([200, 409]);

      evaluating = false;
      await evaluator;
      expect(evaluations.failed).toBe(0);
      expect(evaluations.ok).toBeGreaterThan(20);

      // every change exactly once in the audit log, and the chain verifies
      const audit = await knex('gantry_audit_log').select('action');
      const byAction = (prefix: string) =>
        audit.filter((r: any) => r.action.startsWith(prefix)).length;
      expect(byAction('flag.')).toBe(1 + 1 + 12 + 1); // create, the race winner, 12 edits, key
      expect(byAction('evidence.upload')).toBe(10);
      expect(
        audit.filter((r: any) => r.action === 'approval.approve').length,
      ).toBe(1);
      const verify = await request(lb.server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', as('alice'));
      expect(verify.body).toMatchObject({ ok: true, checked: audit.length });
    });

    it('runs the escalation job once per tick across both replicas', async () => {
      sentNotifications.length = 0;
      const fired = await request(lb.server)
        .post('/api/gantry/alerts/alertmanager')
        .set('Authorization', service())
        .send({
          version: '4',
          groupKey: '{}:{alertname="CheckoutDown"}',
          status: 'firing',
          receiver: 'gantry',
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://alertmanager:9093',
          alerts: [
            {
              status: 'firing',
              labels: {
                alertname: 'CheckoutDown',
                gantry_entity: 'component:default/checkout',
              },
              annotations: {},
              startsAt: new Date().toISOString(),
              endsAt: '0001-01-01T00:00:00Z',
              generatorURL: '',
              fingerprint: 'replicas0000001',
            },
          ],
        });
      expect(fired.status).toBe(202);
      const id = fired.body.incidents[0];
      // both replicas tick every second for several seconds
      await new Promise(r => setTimeout(r, 8000));
      const incident = await request(lb.server)
        .get(`${base}/incidents/${id}`)
        .set('Authorization', as('alice'));
      const escalations = incident.body.timeline.filter(
        (t: any) => t.kind === 'escalated',
      );
      expect(escalations).toHaveLength(1);
      expect(
        sentNotifications.map((n: any) => n.recipients.entityRef[0]),
      ).toEqual(['group:default/payments', 'group:default/security']);
      expect(await count(knex, 'gantry_incidents', { id })).toBe(1);
    });
  },
);
