import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startStandaloneEdge } from '@gantry/flags-edge';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import {
  postgresBinariesPresent,
  POSTGRES_BIN,
  quietConnectionErrors,
  startPrivatePostgres,
} from '../../__tests__/faults/privatePostgres';
import { gantryPlugin } from '../../plugin';
import { booleanFlag } from '../__fixtures__/flagSets';

jest.setTimeout(180_000);
const entity = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const WORKERS_PER_TARGET = 6;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

type Tally = { ok: number; wrong: number; statuses: Record<string, number> };

/** Evaluations from `workers` concurrent loops against `url` until stopped, tallied by outcome. */
function drive(url: string, secret: string, workers: number) {
  const tally: Tally = { ok: 0, wrong: 0, statuses: {} };
  let running = true;
  const loop = async () => {
    let n = 0;
    while (running) {
      let status = 'network error';
      let value: unknown;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${secret}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ context: { targetingKey: `user-${n++}` } }),
        });
        status = String(res.status);
        value = (await res.json()).value;
      } catch {
        // counted as 'network error'
      }
      tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
      if (status === '200' && value === true) tally.ok += 1;
      else tally.wrong += 1;
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    tally,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const describeWithPostgres = postgresBinariesPresent()
  ? describe
  : describe.skip;
if (!postgresBinariesPresent()) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the flag edge database drill: no initdb/pg_ctl in ${POSTGRES_BIN} (install Debian's postgresql-15).`,
  );
}

describeWithPostgres(
  'the flag data plane with its PostgreSQL killed under load',
  () => {
    let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
    let server: http.Server;
    let listenerPort: number;

    beforeAll(async () => {
      quietConnectionErrors();
      pg = await startPrivatePostgres();
      listenerPort = await freePort();
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          catalogServiceMock.factory({ entities: complianceEntities }),
          notificationsMock,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                database: {
                  client: 'pg',
                  connection: pg.connection,
                  knexConfig: { acquireConnectionTimeout: 3000 },
                },
              },
              gantry: {
                flags: {
                  pollIntervalMs: 200,
                  rateLimitPerSecond: 1_000_000,
                  edge: {
                    port: listenerPort,
                    host: '127.0.0.1',
                    heartbeatMs: 200,
                    subjects: ['external:test-service'],
                  },
                },
              },
            },
          }),
        ],
      }));
    });
    afterAll(async () => {
      await pg?.destroy();
    });

    it('evaluates with 0 errors at the in-process listener and a standalone edge while PostgreSQL is down, and every health endpoint says what is wrong', async () => {
      const put = await request(server)
        .put(`${entity}/flags/staging/payments`)
        .set('Authorization', alice)
        .send({
          flag: {
            type: 'release',
            definition: { ...booleanFlag, defaultVariant: 'on' },
          },
          baseVersion: null,
          reason: 'test',
        });
      expect(put.status).toBe(200);
      const secret = (
        await request(server)
          .post(`${entity}/flag-keys`)
          .set('Authorization', alice)
          .send({ environment: 'staging', name: 'pg-drill' })
      ).body.secret as string;
      const gantry = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/api/gantry`;
      const edge = await startStandaloneEdge({
        controlPlaneUrl: gantry,
        token: mockCredentials.service.token(),
        port: 0,
        host: '127.0.0.1',
        usageFlushMs: 500,
        rateLimitPerSecond: 1_000_000,
      });
      const listener = `http://127.0.0.1:${listenerPort}`;
      const health = async (base: string) =>
        (await fetch(`${base}/health`)).json();
      const backendHealth = () => request(server).get('/api/gantry/health');
      const waitFor = async (what: string, check: () => Promise<boolean>) => {
        const deadline = Date.now() + 30_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
          await sleep(100);
        }
      };
      try {
        for (const base of [edge.url, listener])
          await waitFor(`${base} to serve`, async () => {
            const res = await fetch(
              `${base}/ofrep/v1/evaluate/flags/payments`,
              {
                method: 'POST',
                headers: { authorization: `Bearer ${secret}` },
                body: '{}',
              },
            );
            return res.status === 200;
          });
        expect(await health(listener)).toMatchObject({
          status: 'ok',
          connected: true,
        });

        const loads = {
          listener: drive(
            `${listener}/ofrep/v1/evaluate/flags/payments`,
            secret,
            WORKERS_PER_TARGET,
          ),
          edge: drive(
            `${edge.url}/ofrep/v1/evaluate/flags/payments`,
            secret,
            WORKERS_PER_TARGET,
          ),
        };
        await sleep(1000);
        await pg.kill();
        const killedAt = Date.now();
        const servedAtKill = Object.values(loads).map(l => l.tally.ok);

        // While the database is down: the backend says so, the in-process listener says
        // its feed cannot read the database, and the standalone edge, whose stream stays
        // open, stops hearing pings from a control plane that cannot vouch for its data.
        await waitFor(
          'the backend health to report the database down',
          async () => (await backendHealth()).status === 503,
        );
        const backendDown = await backendHealth();
        await waitFor(
          'the listener to report the control plane cut off',
          async () => (await health(listener)).connected === false,
        );
        const listenerDown = await health(listener);
        const sinceKill = Date.now() - killedAt;
        if (sinceKill < 5500) await sleep(5500 - sinceKill);
        const edgeDown = await health(edge.url);
        const downForMs = Date.now() - killedAt;

        const servedWhileDown = Object.values(loads).map(
          (l, i) => l.tally.ok - servedAtKill[i],
        );
        await pg.start();
        await sleep(2000);
        const stopped = await Promise.all(
          Object.values(loads).map(l => l.stop()),
        );
        expect(stopped).toHaveLength(2);

        // eslint-disable-next-line no-console
        console.log(
          `flag edge database drill: PostgreSQL down ${downForMs} ms under load; in-process listener ${JSON.stringify(
            loads.listener.tally,
          )} (${
            servedWhileDown[0]
          } while down), standalone edge ${JSON.stringify(loads.edge.tally)} (${
            servedWhileDown[1]
          } while down)`,
        );
        for (const n of servedWhileDown) expect(n).toBeGreaterThan(100);
        for (const [name, { tally }] of Object.entries(loads)) {
          expect({
            name,
            wrong: tally.wrong,
            statuses: tally.statuses,
          }).toEqual({ name, wrong: 0, statuses: { '200': tally.ok } });
          expect(tally.ok).toBeGreaterThan(200);
        }

        expect(backendDown.body).toEqual({
          status: 'unavailable',
          database: 'down',
        });
        expect(listenerDown).toMatchObject({
          status: 'disconnected',
          connected: false,
          serving: true,
        });
        expect(listenerDown.reason).toMatch(/database/);
        expect(edgeDown).toMatchObject({ serving: true, stale: false });
        expect(edgeDown.controlPlane).toEqual({
          database: 'down',
          since: expect.any(String),
        });
        expect(edgeDown.reason).toMatch(/cannot read its database/);
        expect(edgeDown.lastContactAgeSeconds).toBeGreaterThan(2);

        // Back: every health endpoint recovers on its own.
        await waitFor(
          'the backend health to recover',
          async () => (await backendHealth()).status === 200,
        );
        await waitFor(
          'the listener to recover',
          async () => (await health(listener)).status === 'ok',
        );
        await waitFor(
          'the standalone edge to recover',
          async () => (await health(edge.url)).status === 'ok',
        );
        const edgeUp = await health(edge.url);
        expect(edgeUp.controlPlane).toEqual({ database: 'ok' });
        expect(edgeUp.lastContactAgeSeconds).toBeLessThan(2);
      } finally {
        await edge.stop();
      }
    });
  },
);
