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
      result:
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    ) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({ data: config }),
          mockServices.permissions.factory({ result }),
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

    it('publishes the audit head, verifies and exports the log behind gantry.audit.read', async () => {
      const { server } = await start();
      const user = mockCredentials.user.header();
      // one audited change through the public API
      const upload = await request(server)
        .post(
          '/api/gantry/entities/default/component/checkout/releases/1.0.0/evidence/attestation?commit=abcdef1',
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/json')
        .send({ type: 'change-ticket', ticket: 'CHG-1' });
      expect(upload.status).toBe(201);

      const head = await request(server)
        .get('/api/gantry/audit/head')
        .set('Authorization', user);
      expect(head.body).toEqual({
        seq: 1,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const verify = await request(server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', user);
      expect(verify.body).toEqual({ ok: true, checked: 1, head: head.body });

      const jsonl = await request(server)
        .get('/api/gantry/audit/export?format=jsonl')
        .set('Authorization', user);
      expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
      const lines = jsonl.text
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      expect(lines).toEqual([
        expect.objectContaining({
          seq: 1,
          action: 'evidence.upload',
          entityRef: 'component:default/checkout',
          hash: head.body.hash,
        }),
      ]);
      const csv = await request(server)
        .get('/api/gantry/audit/export?format=csv&from=2000-01-01T00:00:00Z')
        .set('Authorization', user);
      expect(csv.text.split('\n')[0]).toBe(
        'seq,occurredAt,actor,action,entityRef,hash,prevHash,record',
      );
      expect(csv.text.split('\n')[1]).toMatch(
        /^1,.*,evidence\.upload,component:default\/checkout,/,
      );

      const bad = await request(server)
        .get('/api/gantry/audit/export?from=yesterday')
        .set('Authorization', user);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(
        'from: must be an ISO-8601 UTC time',
      );
    });

    it('refuses to verify or export without gantry.audit.read (403)', async () => {
      const { server } = await start(
        {},
        [checkoutEntity],
        AuthorizeResult.DENY,
      );
      const res = await request(server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain("'gantry.audit.read'");
      const exp = await request(server)
        .get('/api/gantry/audit/export')
        .set('Authorization', mockCredentials.user.header());
      expect(exp.status).toBe(403);
    });
  },
);
