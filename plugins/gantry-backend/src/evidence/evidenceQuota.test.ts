import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { gantryPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/databases';
import { checkoutEntity, plainEntity } from '../__testUtils__/entities';

jest.setTimeout(60_000);
const databases = createTestDatabases();

/** An attestation of about `bytes` bytes, distinct per `n` (identical bytes are deduplicated). */
const attestation = (n: number, bytes: number) => {
  const doc = { type: 'change-ticket', ticket: `CHG-${n}`, note: '' };
  doc.note = 'x'.repeat(bytes - JSON.stringify(doc).length);
  return JSON.stringify(doc);
};

describe.each(databases.eachSupportedId())(
  'evidence storage quota on %s',
  databaseId => {
    it('refuses the upload that would pass the quota with 413, storing nothing', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            // 0.01 MiB = 10,485 bytes per entity
            data: {
              gantry: {
                limits: { evidenceStorage: { megabytesPerEntity: 0.01 } },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: [checkoutEntity, plainEntity],
          }),
        ],
      });
      const upload = (entity: string, version: string, body: string) =>
        request(server)
          .post(
            `/api/gantry/entities/default/component/${entity}/releases/${version}/evidence/attestation?commit=abcdef1`,
          )
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', 'application/json')
          .send(body);

      expect(
        (await upload('checkout', '1.0.0', attestation(1, 6000))).status,
      ).toBe(201);
      // Another release of the same entity counts against the same quota.
      const over = await upload('checkout', '1.1.0', attestation(2, 6000));
      expect(over.status).toBe(413);
      expect(over.body.error.message).toContain('component:default/checkout');
      expect(over.body.error.message).toContain(
        'gantry.limits.evidenceStorage.megabytesPerEntity',
      );
      // Nothing half-stored: no evidence row, no release row, no audit record.
      const rows = await knex('gantry_evidence').where({
        entity_ref: 'component:default/checkout',
      });
      expect(rows).toHaveLength(1);
      expect(
        await knex('gantry_releases')
          .where({ entity_ref: 'component:default/checkout', version: '1.1.0' })
          .first(),
      ).toBeUndefined();
      const head = await knex('gantry_audit_head').first();
      expect(Number(head.seq)).toBe(1);

      // Under the quota still goes through, and another entity has its own quota.
      expect(
        (await upload('checkout', '1.0.0', attestation(3, 4000))).status,
      ).toBe(201);
      expect(
        (await upload('legacy-batch', '1.0.0', attestation(4, 6000))).status,
      ).toBe(201);
      // Re-sending identical bytes stores nothing new, so it is not refused.
      expect(
        (await upload('checkout', '1.0.0', attestation(1, 6000))).status,
      ).toBe(200);
    });
  },
);
