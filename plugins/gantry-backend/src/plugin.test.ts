import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { gantryPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/databases';
import { checkoutEntity, plainEntity } from './__testUtils__/entities';

jest.setTimeout(60_000);
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'gantry backend on %s',
  databaseId => {
    async function start(
      config: object = {},
      entities = [checkoutEntity, plainEntity],
    ) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({ data: config }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          catalogServiceMock.factory({ entities }),
        ],
      });
      return { server, knex };
    }

    it('answers health without credentials and checks the database', async () => {
      const { server, knex } = await start();
      const res = await request(server).get('/api/gantry/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', database: 'ok' });
      // migrations ran on this engine
      const head = await knex('gantry_audit_head').first();
      expect(Number(head.seq)).toBe(0);
    });

    it('rejects the overview without credentials (401)', async () => {
      const { server } = await start();
      const res = await request(server)
        .get('/api/gantry/entities/default/component/checkout/overview')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });

    it('404s with the entity ref for an unknown entity', async () => {
      const { server } = await start();
      const res = await request(server)
        .get('/api/gantry/entities/default/component/nope/overview')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('component:default/nope');
    });

    it('400s on a malformed entity name', async () => {
      const { server } = await start();
      const res = await request(server)
        .get('/api/gantry/entities/default/component/%20bad%20/overview')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/Invalid entity name/);
    });

    it('reports configured and missing capabilities, with config gaps named', async () => {
      const { server } = await start({
        gantry: {
          argocd: { instances: [{ name: 'main', url: 'http://argocd.test' }] },
        },
      });
      const res = await request(server)
        .get('/api/gantry/entities/default/component/checkout/overview')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/checkout');
      expect(res.body.owner).toBe('group:default/payments');
      const byId = Object.fromEntries(
        res.body.capabilities.map((c: any) => [c.id, c]),
      );
      expect(byId.deployments.configured).toBe(true);
      expect(byId.deployments.found).toEqual({
        'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      });
      expect(byId.compliance.configured).toBe(true);
      // annotated, but no cluster configured
      expect(byId.rollouts.configured).toBe(false);
      expect(byId.rollouts.missing[0].keys).toEqual([
        'gantry.kubernetes.clusters',
      ]);
      // not annotated at all
      expect(byId.flags.configured).toBe(false);
      expect(byId.flags.missing[0].message).toContain(
        'gantry.dev/feature-flags',
      );
      expect(byId.slos.missing[0].message).toMatch(
        /gantry.dev\/slo-spec or gantry.dev\/slos/,
      );
      expect(res.body.configuredCount).toBe(2);
    });

    it('says when the deployments config lacks the instance the entity names', async () => {
      const other = {
        ...checkoutEntity,
        metadata: {
          ...checkoutEntity.metadata,
          name: 'other',
          annotations: {
            'argocd/app-name': 'other',
            'argocd/instance-name': 'main, eu-west',
          },
        },
      };
      const { server } = await start(
        {
          gantry: {
            argocd: {
              instances: [{ name: 'main', url: 'http://argocd.test' }],
            },
          },
        },
        [other],
      );
      const res = await request(server)
        .get('/api/gantry/entities/default/component/other/overview')
        .set('Authorization', mockCredentials.user.header());
      const deployments = res.body.capabilities.find(
        (c: any) => c.id === 'deployments',
      );
      expect(deployments.configured).toBe(false);
      expect(deployments.missing).toHaveLength(1);
      expect(deployments.missing[0].message).toContain('eu-west');
      expect(deployments.missing[0].message).not.toContain('names main');
    });
  },
);
