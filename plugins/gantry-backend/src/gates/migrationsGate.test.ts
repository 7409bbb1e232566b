import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { startGantry } from '../__testUtils__/backend';
import {
  complianceEntities,
  notificationsMock,
} from '../__testUtils__/compliance';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ENTITY = '/api/gantry/entities/default/component/checkout';
const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '../evidence/parsers/__fixtures__', name),
  );

describe.each(databases.eachSupportedId())(
  'the migrations gate rule over HTTP (%s)',
  databaseId => {
    let server: Server;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            compliance: {
              policies: { default: { production: ['migrations'] } },
            },
          },
        },
        entities: complianceEntities,
        services: [mockServices.database.factory({ knex }), notificationsMock],
      })) as Server;
    });

    const upload = (version: string, name: string) =>
      request(server)
        .post(
          `${ENTITY}/releases/${version}/evidence/migration?commit=${'d'.repeat(
            40,
          )}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(fixture(name));
    const gate = async (version: string) =>
      (
        await request(server)
          .get(`${ENTITY}/releases/${version}/gates/production`)
          .set('Authorization', mockCredentials.user.header())
      ).body;

    it('passes expand-only, fails a destructive expand, passes its contract step after the expand release', async () => {
      expect((await upload('1.4.0', 'migration-expand-only.json')).status).toBe(
        201,
      );
      expect(await gate('1.4.0')).toMatchObject({
        verdict: 'pass',
        rules: [{ rule: 'migrations', status: 'pass' }],
      });

      expect((await upload('1.5.0', 'migration-destructive.json')).status).toBe(
        201,
      );
      const destructive = await gate('1.5.0');
      expect(destructive.verdict).toBe('fail');
      expect(destructive.rules[0].reason).toContain(
        'V8__drop_legacy_total.sql:4 ban-drop-column, V8__drop_legacy_total.sql:5 renaming-column',
      );

      // the same drop as the contract step of 1.4.0's expand
      expect((await upload('1.6.0', 'migration-contract.json')).status).toBe(
        201,
      );
      expect(await gate('1.6.0')).toMatchObject({ verdict: 'pass' });
    });

    it('refuses a report without a rollback plan with a 400 that says what to add, storing nothing', async () => {
      const doc = JSON.parse(
        fixture('migration-expand-only.json').toString('utf8'),
      );
      delete doc.migrations[0].rollback;
      const res = await request(server)
        .post(
          `${ENTITY}/releases/1.7.0/evidence/migration?commit=${'d'.repeat(
            40,
          )}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(JSON.stringify(doc)));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^Invalid migration evidence at migrations\[0\]\.rollback: give \{"down"/,
      );
      const release = await request(server)
        .get(`${ENTITY}/releases/1.7.0`)
        .set('Authorization', mockCredentials.user.header());
      expect(release.status).toBe(404);
    });
  },
);
