import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { denyOnlyUser } from '../../__testUtils__/permissions';
import { gantryPlugin } from '../../plugin';
import {
  GITHUB_HOSTED,
  bytesOf,
  dsseEnvelope,
  keyBundle,
  slsaStatement,
  testKey,
} from './__testUtils__/signing';

jest.setTimeout(90_000);
const databases = createTestDatabases();
const HEX = '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const DIGEST = `sha256:${HEX}`;
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const base = '/api/gantry/entities/default/component/checkout';
const ci = testKey('ci-2026');
const stranger = testKey('stranger');

describe.each(databases.eachSupportedId())(
  'signed provenance through the API on %s',
  databaseId => {
    let server: any;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          gantryPlugin,
          mockServices.database.factory({ knex, migrations: { skip: false } }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                compliance: {
                  trustedBuilders: [GITHUB_HOSTED],
                  signatures: {
                    keys: [{ keyId: ci.keyId, publicKey: ci.publicKey }],
                  },
                },
              },
            },
          }),
          denyOnlyUser('user:default/mallory'),
          catalogServiceMock.factory({ entities: complianceEntities }),
          notificationsMock,
        ],
      }));
    });

    const upload = (version: string, body: Buffer) =>
      request(server)
        .post(
          `${base}/releases/${version}/evidence/in-toto?commit=${COMMIT}&imageDigest=${DIGEST}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(body);
    const provenanceRule = async (version: string) => {
      const res = await request(server)
        .get(`${base}/releases/${version}/gates/production`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      expect(res.status).toBe(200);
      return res.body.rules.find((r: any) => r.rule === 'provenance');
    };
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    it('stores a bundle signed by the configured key as verified, and the provenance rule passes', async () => {
      const res = await upload(
        '1.0.0',
        bytesOf(keyBundle(slsaStatement(HEX), ci)),
      );
      expect(res.status).toBe(201);
      expect(res.body.summary.signature).toMatchObject({
        status: 'verified',
        signer: 'ci-2026',
      });
      expect(await provenanceRule('1.0.0')).toEqual({
        rule: 'provenance',
        status: 'pass',
        reason: `Provenance from ${GITHUB_HOSTED} covers image ${DIGEST}, signed by ci-2026, verified.`,
      });
    });

    it('stores a DSSE envelope signed by another key as invalid (audited), and the gate fails on it', async () => {
      const res = await upload(
        '1.0.1',
        bytesOf(dsseEnvelope(slsaStatement(HEX), stranger, 'ci-2026')),
      );
      expect(res.status).toBe(201);
      expect(res.body.summary.signature.status).toBe('invalid');
      const audited = await knex('gantry_audit_log')
        .where({ action: 'evidence.upload' })
        .select('record');
      expect(
        audited.some(
          a =>
            a.record.includes(res.body.id) &&
            a.record.includes('INVALID signature'),
        ),
      ).toBe(true);
      const rule = await provenanceRule('1.0.1');
      expect(rule.status).toBe('fail');
      expect(rule.reason).toContain(
        `Provenance ${res.body.id} has an invalid signature`,
      );

      // a correctly signed upload for the same release does not wash the invalid one out
      await upload('1.0.1', bytesOf(keyBundle(slsaStatement(HEX), ci)));
      expect((await provenanceRule('1.0.1')).status).toBe('fail');
    });

    it('fails the rule for an unsigned statement, since trust is configured', async () => {
      expect((await upload('1.0.2', bytesOf(slsaStatement(HEX)))).status).toBe(
        201,
      );
      const rule = await provenanceRule('1.0.2');
      expect(rule.status).toBe('fail');
      expect(rule.reason).toContain(
        'The policy requires provenance signed by a trusted signer',
      );
    });

    it('answers a malformed bundle with a 400 naming the field and stores nothing', async () => {
      const before = {
        releases: await count('gantry_releases'),
        evidence: await count('gantry_evidence'),
        audit: await count('gantry_audit_log'),
      };
      const { verificationMaterial: _, ...broken } = keyBundle(
        slsaStatement(HEX),
        ci,
      );
      const res = await upload('9.9.9', bytesOf(broken));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'Invalid in-toto evidence at verificationMaterial: is missing or malformed',
      );
      expect({
        releases: await count('gantry_releases'),
        evidence: await count('gantry_evidence'),
        audit: await count('gantry_audit_log'),
      }).toEqual(before);
    });
  },
);
