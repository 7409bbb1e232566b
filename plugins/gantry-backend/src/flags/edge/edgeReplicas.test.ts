import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import { startStandaloneEdge } from '@gantry/flags-edge';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { booleanFlag } from '../__fixtures__/flagSets';
import { startFlagsServer } from '../__testUtils__/flagsBackend';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const entity = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');
const edgeToken = mockCredentials.service.token();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

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

async function evaluate(base: string, secret: string, flag = 'payments') {
  const res = await fetch(`${base}/ofrep/v1/evaluate/flags/${flag}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ context: { targetingKey: 'user-1' } }),
  });
  return { status: res.status, body: await res.json() };
}

/** Resolves with the ms from `t0` until `base` serves `value`, polling as fast as it answers. */
async function until(
  base: string,
  secret: string,
  value: boolean,
  t0: number,
): Promise<number> {
  while (performance.now() - t0 < 5000) {
    const r = await evaluate(base, secret);
    if (r.status === 200 && r.body.value === value)
      return performance.now() - t0;
  }
  throw new Error(`${base} did not serve ${value} within 5 s`);
}

describe.each(databases.eachSupportedId())(
  'the flag data plane on %s',
  databaseId => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-edge-'));
    });
    afterEach(() => fs.rm(dir, { recursive: true, force: true }));

    it('two standalone replicas and the in-process listener serve a kill within 1 s; a replica restarted without the control plane serves its snapshot and says so', async () => {
      const listenerPort = await freePort();
      const knex = await databases.init(databaseId);
      const server = await startFlagsServer({
        knex,
        flags: {
          pollIntervalMs: 200,
          edge: {
            port: listenerPort,
            host: '127.0.0.1',
            heartbeatMs: 200,
            subjects: ['external:test-service'],
          },
        },
      });
      const gantry = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/api/gantry`;
      const listener = `http://127.0.0.1:${listenerPort}`;
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
      const keyRes = await request(server)
        .post(`${entity}/flag-keys`)
        .set('Authorization', alice)
        .send({ environment: 'staging', name: 'edge-test' });
      const secret = keyRes.body.secret as string;

      // only the configured service may follow the stream
      const asUser = await fetch(`${gantry}/flags/edge/v1/stream`, {
        headers: { authorization: alice },
      });
      expect(asUser.status).toBe(403);

      const replicas = await Promise.all(
        ['a', 'b'].map(name =>
          startStandaloneEdge({
            controlPlaneUrl: gantry,
            token: edgeToken,
            port: 0,
            host: '127.0.0.1',
            snapshotFile: path.join(dir, `${name}.json`),
            usageFlushMs: 200,
          }),
        ),
      );
      try {
        for (const base of [...replicas.map(r => r.url), listener])
          await until(base, secret, true, performance.now());

        const t0 = performance.now();
        const kill = await request(server)
          .post(`${entity}/flags/staging/payments/kill`)
          .set('Authorization', alice)
          .send({ reason: 'drill' });
        expect(kill.status).toBe(200);
        const times = await Promise.all(
          [...replicas.map(r => r.url), listener].map(base =>
            until(base, secret, false, t0),
          ),
        );
        // eslint-disable-next-line no-console
        console.log(
          `[${databaseId}] kill -> safe variant: replica a ${times[0].toFixed(
            0,
          )} ms, replica b ${times[1].toFixed(
            0,
          )} ms, in-process listener ${times[2].toFixed(0)} ms`,
        );
        for (const t of times) expect(t).toBeLessThan(1000);

        // usage counted at the edges reaches the control plane in batches
        await sleep(600);
        const touched = await knex('gantry_flag_client_keys')
          .where({ id: keyRes.body.id })
          .first('last_used_at');
        expect(touched.last_used_at).toBeTruthy();
        const counted = await knex('gantry_flag_evaluation_counts')
          .where({ flag_key: 'payments' })
          .sum({ n: 'count' })
          .first();
        expect(Number(counted?.n)).toBeGreaterThan(0);
      } finally {
        await Promise.all(replicas.map(r => r.stop()));
      }

      // Control plane unreachable: a fresh replica serves what replica a persisted.
      const down = `http://127.0.0.1:${await freePort()}/api/gantry`;
      const restarted = await startStandaloneEdge({
        controlPlaneUrl: down,
        token: edgeToken,
        port: 0,
        host: '127.0.0.1',
        snapshotFile: path.join(dir, 'a.json'),
      });
      try {
        const health = await (await fetch(`${restarted.url}/health`)).json();
        expect(health).toMatchObject({
          status: 'snapshot',
          source: 'snapshot-file',
          connected: false,
          stale: false,
          serving: true,
        });
        expect(health.revision).toBeGreaterThan(0);
        expect(health.reason).toMatch(/snapshot persisted on disk/);
        const r = await evaluate(restarted.url, secret);
        expect(r).toMatchObject({ status: 200, body: { value: false } });
      } finally {
        await restarted.stop();
      }
    });

    it('keeps evaluating with 0 errors while the database is gone', async () => {
      const listenerPort = await freePort();
      const knex = await databases.init(databaseId);
      const server = await startFlagsServer({
        knex,
        flags: {
          pollIntervalMs: 200,
          edge: {
            port: listenerPort,
            host: '127.0.0.1',
            heartbeatMs: 200,
            subjects: ['external:test-service'],
          },
        },
      });
      const gantry = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/api/gantry`;
      await request(server)
        .put(`${entity}/flags/staging/payments`)
        .set('Authorization', alice)
        .send({
          flag: {
            type: 'release',
            definition: { ...booleanFlag, defaultVariant: 'on' },
          },
          baseVersion: null,
          reason: 'test',
        })
        .expect(200);
      const secret = (
        await request(server)
          .post(`${entity}/flag-keys`)
          .set('Authorization', alice)
          .send({ environment: 'staging', name: 'db-outage' })
      ).body.secret as string;
      const replica = await startStandaloneEdge({
        controlPlaneUrl: gantry,
        token: edgeToken,
        port: 0,
        host: '127.0.0.1',
        usageFlushMs: 100,
      });
      const targets = {
        replica: replica.url,
        listener: `http://127.0.0.1:${listenerPort}`,
        backendRoute: gantry,
      };
      try {
        for (const base of Object.values(targets))
          await until(base, secret, true, performance.now());

        const results = new Map<string, number[]>(
          Object.keys(targets).map(k => [k, []]),
        );
        let loading = true;
        const workers = Object.entries(targets).flatMap(([name, base]) =>
          Array.from({ length: 4 }, async () => {
            while (loading) {
              const r = await evaluate(base, secret).catch(() => ({
                status: 0,
                body: {},
              }));
              results
                .get(name)!
                .push(r.status === 200 && r.body.value === true ? 1 : 0);
            }
          }),
        );
        await sleep(300);
        await knex.destroy(); // the database is gone for the backend from here on
        // past the 5 s the backend route used to trust a key read from the database
        await sleep(5500);
        loading = false;
        await Promise.all(workers);
        for (const [name, outcomes] of results) {
          expect({ name, errors: outcomes.filter(o => !o).length }).toEqual({
            name,
            errors: 0,
          });
          expect(outcomes.length).toBeGreaterThan(50);
        }
        // the in-process listener learns that the feed cannot read the database at the
        // feed's next poll, or once no read has succeeded for 10 s (a read that hangs);
        // on a loaded machine that can come after the load stops
        const deadline = Date.now() + 20_000;
        let health = await (await fetch(`${targets.listener}/health`)).json();
        while (health.connected !== false && Date.now() < deadline) {
          await sleep(200);
          health = await (await fetch(`${targets.listener}/health`)).json();
        }
        expect(health).toMatchObject({ connected: false, serving: true });
      } finally {
        await replica.stop();
      }
    });
  },
);
