import net from 'node:net';
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
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * A TCP proxy between the edge and the control plane that the test can cut: `cut()`
 * destroys every open connection and refuses new ones until `restore()`.
 */
async function cuttableProxy(targetPort: number) {
  const open = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer(client => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      refusing = true;
      for (const s of open) s.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () => new Promise(r => server.close(r)),
  };
}

describe.each(databases.eachSupportedId())(
  'an edge whose change stream is cut, on %s',
  databaseId => {
    it('serves what it had while cut off, then resyncs in full and serves the change made meanwhile', async () => {
      const knex = await databases.init(databaseId);
      const server = await startFlagsServer({
        knex,
        flags: {
          pollIntervalMs: 200,
          edge: { heartbeatMs: 200, subjects: ['external:test-service'] },
        },
      });
      const proxy = await cuttableProxy((server.address() as AddressInfo).port);
      const put = (on: boolean, baseVersion: number | null) =>
        request(server)
          .put(`${entity}/flags/staging/payments`)
          .set('Authorization', alice)
          .send({
            flag: {
              type: 'release',
              definition: { ...booleanFlag, defaultVariant: on ? 'on' : 'off' },
            },
            baseVersion,
            reason: 'test',
          });
      const first = await put(true, null);
      expect(first.status).toBe(200);
      const secret = (
        await request(server)
          .post(`${entity}/flag-keys`)
          .set('Authorization', alice)
          .send({ environment: 'staging', name: 'resync' })
      ).body.secret as string;
      const edge = await startStandaloneEdge({
        controlPlaneUrl: `http://127.0.0.1:${proxy.port}/api/gantry`,
        token: mockCredentials.service.token(),
        port: 0,
        host: '127.0.0.1',
        idleTimeoutMs: 2000,
      });
      const evaluate = async () => {
        const res = await fetch(
          `${edge.url}/ofrep/v1/evaluate/flags/payments`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${secret}` },
            body: '{"context":{"targetingKey":"user-1"}}',
          },
        );
        return { status: res.status, value: (await res.json()).value };
      };
      const health = async () => (await fetch(`${edge.url}/health`)).json();
      const waitFor = async (what: string, check: () => Promise<boolean>) => {
        const deadline = Date.now() + 15_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
          await sleep(50);
        }
      };
      try {
        await waitFor(
          'the edge to serve on',
          async () => (await evaluate()).value === true,
        );
        const before = await health();
        expect(before).toMatchObject({ status: 'ok', connected: true });

        proxy.cut();
        await waitFor(
          'the edge to notice',
          async () => (await health()).connected === false,
        );
        // changed on the control plane while the edge cannot hear it
        const second = await put(false, first.body.flag.version);
        expect(second.status).toBe(200);
        await sleep(1000);
        expect(await evaluate()).toEqual({ status: 200, value: true });
        expect(await health()).toMatchObject({
          status: 'disconnected',
          serving: true,
          revision: before.revision,
        });

        proxy.restore();
        const t0 = Date.now();
        await waitFor(
          'the edge to resync',
          async () => (await evaluate()).value === false,
        );
        // eslint-disable-next-line no-console
        console.log(
          `[${databaseId}] stream restored -> new revision served in ${
            Date.now() - t0
          } ms`,
        );
        const after = await health();
        expect(after).toMatchObject({ status: 'ok', connected: true });
        expect(after.revision).toBeGreaterThan(before.revision);
        for (let i = 0; i < 20; i++)
          expect(await evaluate()).toEqual({ status: 200, value: false });
      } finally {
        await edge.stop();
        await proxy.close();
      }
    });
  },
);
