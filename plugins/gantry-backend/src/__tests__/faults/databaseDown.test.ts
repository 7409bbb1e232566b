import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { gantryPlugin } from '../../plugin';
import {
  postgresBinariesPresent,
  POSTGRES_BIN,
  quietConnectionErrors,
  startPrivatePostgres,
} from './privatePostgres';

jest.setTimeout(120_000);

const COMMIT = '4c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d';
const base = '/api/gantry/entities/default/component/checkout';
const service = () => mockCredentials.service.header();
const junit = fs.readFileSync(
  path.join(
    __dirname,
    '..',
    '..',
    'evidence/parsers/__fixtures__/junit-nested.xml',
  ),
);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type Outcome = { version: string; status: number; body: any; headers: any };

/** Writers uploading evidence, each to a release of its own, until told to stop. */
function load(server: http.Server, writers: number) {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const writer = async () => {
    while (running) {
      const version = `3.0.${n++}`;
      const res = await request(server)
        .post(`${base}/releases/${version}/evidence/junit?commit=${COMMIT}`)
        .set('Authorization', service())
        .set('Content-Type', 'application/xml')
        .send(junit);
      outcomes.push({
        version,
        status: res.status,
        body: res.body,
        headers: res.headers,
      });
      await sleep(10);
    }
  };
  const done = Promise.all(Array.from({ length: writers }, writer));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** What must never reach a caller: the database's address or the driver's words. */
function expectNoInternals(body: unknown, port: number) {
  const text = JSON.stringify(body);
  expect(text).not.toContain('127.0.0.1');
  expect(text).not.toContain(String(port));
  expect(text).not.toMatch(/ECONNREFUSED|ECONNRESET|knex|postgres|pg_/i);
}

const describeWithPostgres = postgresBinariesPresent()
  ? describe
  : describe.skip;
if (!postgresBinariesPresent()) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the database-down drill: no initdb/pg_ctl in ${POSTGRES_BIN} (install Debian's postgresql-15).`,
  );
}

describeWithPostgres('with its PostgreSQL stopped under load', () => {
  let pg: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let server: http.Server;

  beforeAll(async () => {
    quietConnectionErrors();
    pg = await startPrivatePostgres();
    ({ server } = await startTestBackend({
      features: [
        gantryPlugin,
        catalogServiceMock.factory({ entities: complianceEntities }),
        notificationsMock,
        // The real database service on the private server, configured as production's.
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: {
                client: 'pg',
                connection: pg.connection,
                knexConfig: { acquireConnectionTimeout: 3000 },
              },
            },
            // the drill is about the database, not the upload rate limit
            gantry: {
              limits: {
                evidenceUpload: {
                  requestsPerMinute: 1_000_000,
                  burst: 1_000_000,
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

  it('answers 503 with Retry-After naming no host, keeps health honest, and loses no acknowledged write', async () => {
    const health = await request(server).get('/api/gantry/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'ok' });

    const traffic = load(server, 4);
    await sleep(500);
    await pg.stop();
    await sleep(1500);

    // Everything asked while the server is down: writes, a read, and health.
    const read = await request(server)
      .get(`${base}/releases`)
      .set('Authorization', service());
    const down = await request(server).get('/api/gantry/health');
    await pg.start();
    await sleep(1500);
    await traffic.stop();

    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', database: 'down' });
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);

    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBeDefined();
    expect(read.body.error.message).toMatch(/database is unavailable/);
    expectNoInternals(read.body, pg.port);

    const acked = traffic.outcomes.filter(o => o.status < 300);
    const failed = traffic.outcomes.filter(o => o.status >= 300);
    // eslint-disable-next-line no-console
    console.info(
      `database-down drill: ${acked.length} writes acknowledged, ${failed.length} refused with 503`,
    );
    expect(acked.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect({ version: f.version, status: f.status }).toEqual({
        version: f.version,
        status: 503,
      });
      expect(f.headers['retry-after']).toBeDefined();
      expect(f.body.error.message).toMatch(/change was not applied/);
      expectNoInternals(f.body, pg.port);
    }

    // Recovered: health, a new write, and every write that was acknowledged is there.
    const healthAfter = await request(server).get('/api/gantry/health');
    expect(healthAfter.status).toBe(200);
    const after = await request(server)
      .post(`${base}/releases/3.1.0/evidence/junit?commit=${COMMIT}`)
      .set('Authorization', service())
      .set('Content-Type', 'application/xml')
      .send(junit);
    expect(after.status).toBe(201);

    const stored = async (version: string) => {
      const res = await request(server)
        .get(`${base}/releases/${version}`)
        .set('Authorization', service());
      expect([200, 404]).toContain(res.status);
      return res.status === 200;
    };
    const lost: string[] = [];
    for (const o of acked) if (!(await stored(o.version))) lost.push(o.version);
    expect(lost).toEqual([]);
    // A refused write left nothing behind (the last 50 refused, where a race would be).
    const half: string[] = [];
    for (const o of failed.slice(-50))
      if (await stored(o.version)) half.push(o.version);
    expect(half).toEqual([]);

    const verify = await request(server)
      .get('/api/gantry/audit/verify')
      .set('Authorization', service());
    expect(verify.status).toBe(200);
    expect(verify.body.ok ?? verify.body.valid).toBe(true);
  });
});
