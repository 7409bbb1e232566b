import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { gantryPlugin } from '../../plugin';
import { createTestDatabases } from '../../__testUtils__/databases';
import { checkoutEntity } from '../../__testUtils__/entities';
import { PrincipalRateLimiter } from './rateLimit';

jest.setTimeout(60_000);
const databases = createTestDatabases();

const base = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');

describe('per-principal rate limits', () => {
  async function start(limits: object) {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        gantryPlugin,
        mockServices.database.factory({ knex, migrations: { skip: false } }),
        mockServices.rootConfig.factory({ data: { gantry: { limits } } }),
        catalogServiceMock.factory({ entities: [checkoutEntity] }),
      ],
    });
    return server;
  }

  const routes = {
    complianceReport: {
      method: 'get' as const,
      path: `${base}/compliance-report?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z`,
      ok: 200,
    },
    dora: {
      method: 'get' as const,
      path: `${base}/dora?environment=production&period=365d`,
      ok: 200,
    },
    evidenceUpload: {
      method: 'post' as const,
      path: `${base}/releases/1.0.0/evidence/attestation?commit=abcdef1`,
      ok: 201,
    },
  };

  it.each(Object.entries(routes))(
    '%s: over the limit answers 429 with Retry-After and leaves another principal alone',
    async (route, { method, path, ok }) => {
      const server = await start({
        [route]: { requestsPerMinute: 6, burst: 2 },
      });
      const call = (who: string, n: number) => {
        const r = request(server)[method](path).set('Authorization', who);
        return method === 'post'
          ? r
              .set('Content-Type', 'application/json')
              .send({ type: 'change-ticket', ticket: `CHG-${n}` })
          : r;
      };
      const first = await call(alice, 1);
      expect(first.status).toBe(ok);
      expect((await call(alice, 2)).status).toBeLessThan(300);

      const third = await call(alice, 3);
      expect(third.status).toBe(429);
      // 6 per minute: one token every 10 s
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(10);
      expect(third.body.error.message).toContain(
        `gantry.limits.${route}.requestsPerMinute`,
      );
      expect(third.body.error.message).toContain('user:default/alice');

      expect((await call(bob, 4)).status).toBe(ok);
    },
  );

  it('lets a caller without credentials reach the route for its 401', async () => {
    const server = await start({ dora: { requestsPerMinute: 1, burst: 1 } });
    for (let i = 0; i < 3; i++) {
      const res = await request(server)
        .get(routes.dora.path)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
  });

  it('applies defaults the demo and e2e never reach', async () => {
    const server = await start({});
    for (let i = 0; i < 20; i++) {
      const res = await request(server)
        .get(routes.complianceReport.path)
        .set('Authorization', alice);
      expect(res.status).toBe(200);
    }
  });
});

describe('PrincipalRateLimiter', () => {
  it('refills at the sustained rate and says how long to wait', () => {
    let t = 0;
    const limiter = new PrincipalRateLimiter(
      { requestsPerMinute: 60, burst: 3 },
      () => t,
    );
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    t += 500;
    expect(limiter.take('a')).toBe(1);
    t += 600;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });
});
