import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { onBehalfOfHttpAuth } from '@gantry/plugin-permission-backend-module-gantry/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { features } from './features';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../..');

function appConfig() {
  const config = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  config.catalog.locations = [
    {
      type: 'file',
      target: path.join(repoRoot, 'catalog-info.yaml'),
      rules: config.catalog.locations[0].rules,
    },
  ];
  return config;
}

const sync = {
  type: 'resource',
  name: 'gantry.argocd.sync',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
};

describe('the demo portal’s permission policy', () => {
  it('lets the guest act on what its groups own, and other teams only on theirs', async () => {
    const backend = await startTestBackend({
      features: [
        ...features,
        mockServices.rootConfig.factory({ data: appConfig() }),
        onBehalfOfHttpAuth,
      ],
    });
    const decide = async (user: string, entity: string) => {
      const res = await request(backend.server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header(user))
        .send({
          items: [
            {
              id: '1',
              permission: sync,
              resourceRef: `component:default/${entity}`,
            },
          ],
        });
      return res.status === 200 ? res.body.items[0].result : res.status;
    };
    try {
      // The catalog reads catalog-info.yaml in the background.
      for (let i = 0; ; i++) {
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/group/default/payments-oncall')
          .set('Authorization', mockCredentials.service.header());
        const checkout = await request(backend.server)
          .get('/api/catalog/entities/by-name/component/default/checkout')
          .set('Authorization', mockCredentials.service.header());
        if (res.status === 200 && checkout.body.relations?.length) break;
        if (i > 300) throw new Error('the demo catalog was never read');
        await new Promise(r => setTimeout(r, 200));
      }
      expect({
        guestStorefront: await decide('user:development/guest', 'storefront'),
        guestCheckout: await decide('user:development/guest', 'checkout'),
        carolStorefront: await decide('user:default/carol', 'storefront'),
        carolCheckout: await decide('user:default/carol', 'checkout'),
        aliceCheckout: await decide('user:default/alice', 'checkout'),
        aliceStorefront: await decide('user:default/alice', 'storefront'),
      }).toEqual({
        guestStorefront: 'ALLOW',
        // through payments-oncall, a child group of payments
        guestCheckout: 'ALLOW',
        carolStorefront: 'ALLOW',
        carolCheckout: 'DENY',
        aliceCheckout: 'ALLOW',
        aliceStorefront: 'DENY',
      });
    } finally {
      await backend.stop();
    }
  });
});
