import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { features } from './features';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../..');

/** app-config.yaml as the portal reads it, with the catalog file made absolute. */
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

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('portal backend', () => {
  it('boots every plugin from app-config.yaml and serves the demo catalog through Gantry', async () => {
    // startTestBackend rejects when any plugin or module fails to initialise.
    const backend = await startTestBackend({
      features: [
        ...features,
        mockServices.rootConfig.factory({ data: appConfig() }),
        // The permission backend still boots; decisions are mocked because the mock
        // auth service cannot mint the on-behalf-of tokens it requires.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const { server } = backend;
    try {
      const health = await request(server).get('/api/gantry/health');
      expect(health.status).toBe(200);

      const auth = mockCredentials.user.header('user:default/alice');
      const components = await eventually(async () => {
        const res = await request(server)
          .get('/api/catalog/entities/by-query?filter=kind=component')
          .set('Authorization', auth);
        return res.body.items?.length === 3 ? res.body.items : undefined;
      });
      expect(components.map((e: any) => e.metadata.name).sort()).toEqual([
        'checkout',
        'payment-gateway',
        'storefront',
      ]);

      const overview = await request(server)
        .get('/api/gantry/entities/default/component/checkout/overview')
        .set('Authorization', auth);
      expect(overview.status).toBe(200);
      expect(overview.body.owner).toBe('group:default/payments');
      const compliance = overview.body.capabilities.find(
        (c: any) => c.id === 'compliance',
      );
      expect(compliance.configured).toBe(true);

      const actions = await request(server)
        .get('/api/scaffolder/v2/actions')
        .set('Authorization', auth);
      expect(actions.body.map((a: any) => a.id)).toContain(
        'gantry:catalog:annotations',
      );

      const template = await eventually(async () => {
        const res = await request(server)
          .get(
            '/api/catalog/entities/by-name/template/default/service-onboarding',
          )
          .set('Authorization', auth);
        return res.status === 200 ? res.body : undefined;
      });
      expect(template.spec.steps[0].action).toBe('gantry:catalog:annotations');
    } finally {
      await backend.stop();
    }
  });
});
