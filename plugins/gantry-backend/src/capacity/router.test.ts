import { mockCredentials } from '@backstage/backend-test-utils';
import type { EntityCapacity } from '@gantry/plugin-gantry-common';
import request from 'supertest';
import { startGantry } from '../__testUtils__/backend';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { capacitySeries } from './__testUtils__/capacitySeries';

jest.setTimeout(180_000);

const T = alignedEvalTime();

describe('capacity route', () => {
  const prometheus = usePrometheus(() => ({ series: capacitySeries(T) }));
  let server: Awaited<ReturnType<typeof startGantry>>;

  beforeAll(async () => {
    server = await startGantry({
      config: { gantry: { prometheus: { baseUrl: prometheus().url } } },
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: { type: 'service', owner: 'group:default/payments' },
        },
      ],
    });
  });

  const get = (path: string, header = mockCredentials.user.header()) =>
    request(server)
      .get(`/api/gantry/entities/default/component/${path}`)
      .set('Authorization', header);

  it('answers headroom per namespace at a given time (no Argo CD: by namespace)', async () => {
    const at = new Date(T * 1000).toISOString();
    const res = await get(`checkout/capacity?at=${at}`);
    expect(res.status).toBe(200);
    const body = res.body as EntityCapacity;
    expect(body).toMatchObject({
      entityRef: 'component:default/checkout',
      evaluatedAt: at,
      container: 'checkout',
    });
    expect(body.environments.map(e => e.namespace)).toEqual([
      'shop-dev',
      'shop-preview',
      'shop-production',
      'shop-staging',
    ]);
    expect(body.environments[2].hpa).toEqual({
      currentReplicas: 4,
      maxReplicas: 4,
      atMax: true,
    });
  });

  it('rejects a malformed time, an unknown entity and an anonymous caller', async () => {
    const bad = await get('checkout/capacity?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'Invalid query parameters. at: must be an ISO-8601 UTC time such as 2026-11-26T12:00:00Z.',
    );
    const unknown = await get('nope/capacity');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(
      'No entity component:default/nope in the catalog',
    );
    const anonymous = await get(
      'checkout/capacity',
      mockCredentials.none.header(),
    );
    expect(anonymous.status).toBe(401);
  });
});
