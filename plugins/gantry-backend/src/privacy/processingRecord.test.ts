import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ProcessingRecord } from '@gantry/plugin-gantry-common';
import request from 'supertest';
import { stringify } from 'yaml';
import { notificationsMock } from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';

import { gantryPlugin } from '../plugin';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ci = () => mockCredentials.service.header();
const user = () => mockCredentials.user.header('user:default/alice');

const checkoutData = {
  categories: ['contact', 'payment'],
  purposes: ['order fulfilment'],
  lawfulBasis: 'contract',
  retention: '2y',
  processors: [{ name: 'Stripe', region: 'US', subProcessors: ['AWS'] }],
  transfers: [{ region: 'US', safeguard: 'standard-contractual-clauses' }],
  encryptionInTransit: true,
  encryptionAtRest: true,
};

const component = (
  name: string,
  system: string,
  personalData?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: personalData
      ? { 'gantry.dev/personal-data': personalData }
      : {},
  },
  spec: { type: 'service', owner: 'group:default/team-a', system },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/team-a' },
    { type: 'partOf', targetRef: `system:default/${system}` },
  ],
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { owner: 'group:default/team-a' },
  },
  component('checkout', 'shop', stringify(checkoutData)),
  component(
    'cart',
    'shop',
    'lawfulBasis: because\ncategories: [=HYPERLINK("x")]',
  ),
  component('catalog-api', 'shop'),
  component(
    'newsletter',
    'marketing',
    JSON.stringify({
      ...checkoutData,
      categories: ['email'],
      purposes: ['=HYPERLINK("https://evil.example")'],
      lawfulBasis: 'consent',
      processors: [],
      transfers: [],
    }),
  ),
];

describe.each(databases.eachSupportedId())(
  'privacy routes on %s',
  databaseId => {
    let server: any;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                environments: ['staging', 'production'],
                compliance: {
                  policies: { gdpr: { production: ['dpia'] } },
                  dpia: { maxAgeDays: 365 },
                },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: entities.map(e =>
              e.kind === 'Component'
                ? {
                    ...e,
                    metadata: {
                      ...e.metadata,
                      annotations: {
                        ...e.metadata.annotations,
                        'gantry.dev/compliance-policy': 'gdpr',
                      },
                    },
                  }
                : e,
            ),
          }),
          notificationsMock,
        ],
      }));
    });

    it('lists the whole catalog: declared, invalid with the reason, undeclared', async () => {
      const res = await request(server)
        .get('/api/gantry/privacy/processing-record')
        .set('Authorization', user());
      expect(res.status).toBe(200);
      const record = res.body as ProcessingRecord;
      expect(record.scope).toBe('catalog');
      expect(record.activities.map(a => a.entityRef)).toEqual([
        'component:default/checkout',
        'component:default/newsletter',
      ]);
      expect(record.activities[0]).toMatchObject({
        system: 'system:default/shop',
        owner: 'group:default/team-a',
        lawfulBasis: 'contract',
        retention: '2y',
      });
      expect(record.invalid).toEqual([
        {
          entityRef: 'component:default/cart',
          system: 'system:default/shop',
          owner: 'group:default/team-a',
          reason: expect.stringContaining('lawfulBasis must be one of consent'),
        },
      ]);
      expect(record.undeclared).toEqual(['component:default/catalog-api']);
    });

    it('scopes the record to one System and writes CSV with formula-escaped cells', async () => {
      const json = await request(server)
        .get('/api/gantry/entities/default/system/shop/processing-record')
        .set('Authorization', user());
      expect(json.status).toBe(200);
      expect(json.body.scope).toBe('system:default/shop');
      expect(
        json.body.activities.map((a: { entityRef: string }) => a.entityRef),
      ).toEqual(['component:default/checkout']);

      const csv = await request(server)
        .get(
          '/api/gantry/entities/default/system/shop/processing-record?format=csv',
        )
        .set('Authorization', user());
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toContain(
        'processing-record-shop.csv',
      );
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toMatch(/^entity,system,owner,status,categories/);
      expect(lines[1]).toBe(
        'component:default/checkout,system:default/shop,group:default/team-a,declared,contact; payment,,,order fulfilment,contract,2y,Stripe (US) via AWS,US (standard-contractual-clauses),true,true,',
      );
      expect(lines[2]).toMatch(/^component:default\/cart,.*,invalid,/);

      const all = await request(server)
        .get('/api/gantry/privacy/processing-record?format=csv')
        .set('Authorization', user());
      expect(all.text).toContain(
        `,"'=HYPERLINK(""https://evil.example"")",consent,`,
      );
    });

    it('answers 400 for a Component, a bad format, and 401 without credentials', async () => {
      const ofComponent = await request(server)
        .get(
          '/api/gantry/entities/default/component/checkout/processing-record',
        )
        .set('Authorization', user());
      expect(ofComponent.status).toBe(400);
      expect(ofComponent.body.error.message).toContain('per System');
      const format = await request(server)
        .get('/api/gantry/privacy/processing-record?format=xml')
        .set('Authorization', user());
      expect(format.status).toBe(400);
      expect(format.body.error.message).toContain('format');
      const anonymous = await request(server)
        .get('/api/gantry/privacy/processing-record')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });

    it('gates a release of a service processing personal data on its DPIA', async () => {
      const base = '/api/gantry/entities/default/component';
      const gate = async (name: string, version: string) =>
        (
          await request(server)
            .get(`${base}/${name}/releases/${version}/gates/production`)
            .set('Authorization', user())
        ).body.rules[0];
      const upload = (name: string, version: string, doc: object) =>
        request(server)
          .post(
            `${base}/${name}/releases/${version}/evidence/dpia?commit=${'c'.repeat(
              40,
            )}`,
          )
          .set('Authorization', ci())
          .set('Content-Type', 'application/octet-stream')
          .send(Buffer.from(JSON.stringify(doc)));

      const bad = await upload('checkout', '1.0.0', { assessedAt: 'soon' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('dpia evidence at assessedAt');

      expect(
        (
          await upload('catalog-api', '1.0.0', {
            assessedAt: '2026-01-01T00:00:00Z',
            assessor: 'DPO',
            outcome: 'approved',
          })
        ).status,
      ).toBe(201);
      expect(await gate('catalog-api', '1.0.0')).toMatchObject({
        rule: 'dpia',
        status: 'not-applicable',
      });

      const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
      expect(
        (
          await upload('checkout', '1.0.0', {
            assessedAt: old,
            assessor: 'DPO',
            outcome: 'approved',
          })
        ).status,
      ).toBe(201);
      expect(await gate('checkout', '1.0.0')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining('400 days old'),
      });

      const recent = new Date(Date.now() - 10 * 86_400_000).toISOString();
      await upload('checkout', '1.1.0', {
        assessedAt: recent,
        assessor: 'DPO',
        outcome: 'approved',
      });
      expect(await gate('checkout', '1.1.0')).toMatchObject({
        status: 'pass',
      });
    });
  },
);
