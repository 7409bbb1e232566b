import net, { type AddressInfo } from 'node:net';
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { gantryPlugin } from '../../plugin';
import { booleanFlag } from '../__fixtures__/flagSets';

const entity = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');

/** Every line any logger of the backend writes, access log included. */
function recordingRootLogger(lines: string[]) {
  const make = (): LoggerService => ({
    error: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    warn: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    info: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    debug: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    child: () => make(),
  });
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => make() as RootLoggerService,
  });
}

describe("the backend's own OFREP routes, behind the edge's guard", () => {
  it('rate-limits unknown keys, answers deep JSON with a 400, caps SSE streams, closes a revoked key’s streams at once and keeps the stream token out of the access log', async () => {
    const lines: string[] = [];
    // Backstage's production root router (helmet, compression, access log), not the
    // test one, so the access log is the one a deployment writes.
    const port = await new Promise<number>(resolve => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const origin = `http://127.0.0.1:${port}`;
    // createBackend: Backstage's production root router (helmet, compression, access
    // log), not startTestBackend's, so the access log is the one a deployment writes.
    const backend = createBackend();
    for (const feature of [
      gantryPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: origin,
            listen: { host: '127.0.0.1', port },
          },
          gantry: {
            flags: {
              edge: { maxStreamsPerKey: 2, unknownKeyRateLimitPerSecond: 5 },
            },
          },
        },
      }),
      mockServices.database.factory(),
      mockServices.auth.factory(),
      mockServices.httpAuth.factory(),
      mockServices.userInfo.factory(),
      mockServices.permissions.factory(),
      mockServices.scheduler.factory(),
      recordingRootLogger(lines),
      catalogServiceMock.factory({ entities: complianceEntities }),
      notificationsMock,
    ])
      backend.add(feature);
    await backend.start();
    const server = origin;
    try {
      await request(server)
        .put(`${entity}/flags/staging/payments`)
        .set('Authorization', alice)
        .send({
          flag: { type: 'release', definition: booleanFlag },
          baseVersion: null,
          reason: 'test',
        })
        .expect(200);
      const created = await request(server)
        .post(`${entity}/flag-keys`)
        .set('Authorization', alice)
        .send({ environment: 'staging', name: 'guarded' });
      const secret = created.body.secret as string;
      const one = '/api/gantry/ofrep/v1/evaluate/flags/payments';

      // unknown keys: 401 up to the limit, then 429; the real key is not slowed
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (
            await request(server)
              .post(one)
              .set('Authorization', `Bearer gfk_guess-${i}`)
              .send({})
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      const ok = await request(server)
        .post(one)
        .set('Authorization', `Bearer ${secret}`)
        .send({ context: { targetingKey: 'u' } });
      expect(ok.status).toBe(200);

      // deep nesting: a 400 in OFREP's format, not a 500
      const deep = `{"context":{"targetingKey":"u","x":${'['.repeat(
        5000,
      )}${']'.repeat(5000)}}}`;
      const nested = await request(server)
        .post(one)
        .set('Authorization', `Bearer ${secret}`)
        .set('Content-Type', 'application/json')
        .send(deep);
      expect(nested.status).toBe(400);
      expect(nested.body).toMatchObject({
        key: 'payments',
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(/nests deeper than 32 levels/),
      });

      // SSE: the stream URL from a bulk response
      const bulk = await request(server)
        .post('/api/gantry/ofrep/v1/evaluate/flags')
        .set('Authorization', `Bearer ${secret}`)
        .send({ context: { targetingKey: 'u' } });
      const streamPath = new URL(bulk.body.eventStreams[0].url).pathname;
      const token = streamPath.split('/').pop()!;
      const open = () => fetch(`${origin}${streamPath}`);
      const s1 = await open();
      const s2 = await open();
      expect([s1.status, s2.status]).toEqual([200, 200]);
      const s3 = await open();
      expect(s3.status).toBe(429);
      expect((await s3.json()).errorDetails).toMatch(
        /already holds 2 open event streams/,
      );

      const ended = (async () => {
        const reader = s1.body!.getReader();
        try {
          for (;;) if ((await reader.read()).done) return 'ended';
        } catch {
          return 'closed';
        }
      })();
      const t0 = Date.now();
      await request(server)
        .delete(`${entity}/flag-keys/${created.body.id}`)
        .set('Authorization', alice)
        .expect(res => expect(res.status).toBeLessThan(300));
      expect(['ended', 'closed']).toContain(await ended);
      expect(Date.now() - t0).toBeLessThan(1000);
      await s2.body?.cancel().catch(() => {});
      // past the second the unknown keys above were counted in
      await new Promise(r => setTimeout(r, 1100));
      expect((await open()).status).toBe(403);

      await new Promise(r => setTimeout(r, 100));
      const access = lines.filter(l => l.includes('/ofrep/v1/events/'));
      expect(access.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(token.split('.')[1]);
    } finally {
      await backend.stop();
    }
  });
});
