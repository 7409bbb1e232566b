import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../__testUtils__/compliance';
import { gantryPlugin } from '../plugin';
import { checkoutSet } from './__fixtures__/flagSets';

jest.setTimeout(60_000);
const base = '/api/gantry/entities/default/component/checkout';

/** An application using the OpenFeature server SDK with the OFREP provider, pointed at Gantry. */
describe('an OpenFeature SDK application', () => {
  it('evaluates Gantry flags through the OFREP provider, including rollouts and missing flags', async () => {
    const { server } = await startTestBackend({
      features: [
        gantryPlugin,
        mockServices.rootConfig.factory({ data: {} }),
        catalogServiceMock.factory({ entities: complianceEntities }),
        notificationsMock,
      ],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    // the segment first: flags refer to it
    const segment = await request(server)
      .put(`${base}/flag-segments/staging/beta-tenants`)
      .set('Authorization', alice)
      .send({
        segment: { rule: checkoutSet.$evaluators!['beta-tenants'] },
        baseVersion: null,
        reason: 'sdk test',
      });
    expect(segment.status).toBe(200);
    for (const [key, definition] of Object.entries(checkoutSet.flags)) {
      const put = await request(server)
        .put(`${base}/flags/staging/${key}`)
        .set('Authorization', alice)
        .send({
          flag: { type: 'release', definition },
          baseVersion: null,
          reason: 'sdk test',
        });
      expect(put.status).toBe(200);
    }
    const key = await request(server)
      .post(`${base}/flag-keys`)
      .set('Authorization', alice)
      .send({ environment: 'staging', name: 'sdk' });
    expect(key.status).toBe(201);

    const port = (server.address() as AddressInfo).port;
    await OpenFeature.setProviderAndWait(
      new OFREPProvider({
        baseUrl: `http://127.0.0.1:${port}/api/gantry`,
        headers: [['Authorization', `Bearer ${key.body.secret}`]],
      }),
    );
    const client = OpenFeature.getClient();
    try {
      const beta = await client.getBooleanDetails('new-checkout', false, {
        targetingKey: 'user-1',
        tenant: 'acme',
      });
      expect(beta).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });

      // 5 % of everyone else: sticky per key, about 5 % of 1,000 users
      let on = 0;
      for (let i = 0; i < 1000; i++) {
        const v = await client.getBooleanValue('new-checkout', false, {
          targetingKey: `user-${i}`,
          tenant: 'initech',
        });
        if (v) on++;
      }
      expect(on / 1000).toBeGreaterThan(0.025);
      expect(on / 1000).toBeLessThan(0.08);

      expect(
        await client.getStringValue('checkout-theme', 'none', {
          targetingKey: 'u',
          appVersion: '2.1.0',
        }),
      ).toBe('dark');

      const missing = await client.getBooleanDetails('no-such-flag', false, {
        targetingKey: 'u',
      });
      expect(missing).toMatchObject({
        value: false,
        errorCode: 'FLAG_NOT_FOUND',
      });
    } finally {
      await OpenFeature.close();
    }
  });
});
