import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
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
const COMMIT = 'c'.repeat(40);
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/** A k6 handleSummary document with the given p95 (ms) and throughput (req/s). */
const k6 = (p95: number, rps: number, errorRate = 0.001) => {
  const doc = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '../evidence/parsers/__fixtures__/k6-summary.json'),
      'utf8',
    ),
  );
  doc.metrics.http_req_duration.values['p(95)'] = p95;
  doc.metrics.http_reqs.values.rate = rps;
  doc.metrics.http_reqs.values.count = Math.round(rps * 60);
  doc.metrics.http_req_failed.values.rate = errorRate;
  return Buffer.from(JSON.stringify(doc));
};

describe.each(databases.eachSupportedId())(
  'the load-test gate rule (%s)',
  databaseId => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            compliance: {
              policies: {
                default: {
                  staging: ['load-test'],
                  production: ['load-test'],
                },
              },
              loadTest: {
                thresholds: {
                  production: {
                    p95Ms: 300,
                    errorRate: 0.01,
                    minRequests: 1000,
                  },
                },
                maxRegressionPercent: { p95: 10, throughput: 15 },
              },
            },
          },
        },
        entities: complianceEntities,
        services: [mockServices.database.factory({ knex }), notificationsMock],
      })) as Server;
    });

    const upload = (version: string, body: Buffer) =>
      request(server)
        .post(
          `${ENTITY}/releases/${version}/evidence/load-test?commit=${COMMIT}`,
        )
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(body)
        .expect(201);
    const rule = async (version: string, environment = 'production') => {
      const res = await request(server)
        .get(`${ENTITY}/releases/${version}/gates/${environment}`)
        .set('Authorization', as('alice'));
      expect(res.status).toBe(200);
      return res.body.rules.find((r: any) => r.rule === 'load-test');
    };
    const override = (
      version: string,
      who: string,
      body: object,
      at = 'production/load-test',
    ) =>
      request(server)
        .put(`${ENTITY}/releases/${version}/gate-overrides/${at}`)
        .set(
          'Authorization',
          who === 'service' ? mockCredentials.service.header() : as(who),
        )
        .send(body);

    it('passes the first release on thresholds alone, then compares with the last released version', async () => {
      await upload('1.4.0', k6(120, 2000));
      expect(await rule('1.4.0')).toEqual({
        rule: 'load-test',
        status: 'pass',
        reason:
          'p95 120 ms, 2000.0 req/s, within the production thresholds; no earlier released version has a load test to compare with.',
      });
      // 1.4.0 is released: its production promotion was approved by another owner
      const asked = await request(server)
        .post(`${ENTITY}/releases/1.4.0/promotions`)
        .set('Authorization', as('alice'))
        .send({ environment: 'production', reason: 'ship it' })
        .expect(201);
      await request(server)
        .post(`/api/gantry/promotions/${asked.body.id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve', comment: 'ok' })
        .expect(200);
      // 1.4.5 was load-tested but never released: it is no baseline in production
      await upload('1.4.5', k6(100, 2500));

      await upload('1.5.0', k6(130, 1900));
      expect(await rule('1.5.0')).toMatchObject({
        status: 'pass',
        reason:
          'p95 130 ms, 1900.0 req/s, within the production thresholds and within 10.0 % p95 / 15.0 % throughput of 1.4.0.',
      });
    });

    it('fails a p95 regression and a throughput drop beyond the allowed percentages', async () => {
      await upload('1.6.0', k6(150, 1500));
      const result = await rule('1.6.0');
      expect(result.status).toBe('fail');
      expect(result.reason).toBe(
        'The load test regressed against 1.4.0, the last released version: p95 150 ms vs 120 ms (+25.0 % > 10.0 %); throughput 1500.0 vs 2000.0 req/s (-25.0 % > 15.0 %). Fix it, or, if accepted, override with PUT …/releases/1.6.0/gate-overrides/production/load-test and a reason (audited).',
      );
      // staging needs no approval: the newest earlier load test (1.5.0, unreleased) is the baseline
      expect((await rule('1.6.0', 'staging')).reason).toContain(
        'regressed against 1.5.0',
      );
    });

    it("fails on the environment's thresholds, which no override lifts", async () => {
      await upload('1.7.0', k6(420, 2000, 0.02));
      expect((await rule('1.7.0')).reason).toBe(
        'The load test misses the production thresholds: p95 420 ms > 300 ms, error rate 2.0 % > 1.0 %.',
      );
      await override('1.7.0', 'bob', {
        reason: 'accepted for the holiday freeze',
      }).expect(201);
      expect((await rule('1.7.0')).status).toBe('fail');
    });

    it('lets a person override a regression for one release and environment, audited, once', async () => {
      const audited = () =>
        knex('gantry_audit_log')
          .where({ action: 'gate.override' })
          .count({ n: '*' });
      const before = Number((await audited())[0].n);
      await override('1.6.0', 'service', { reason: 'pipeline says so' }).expect(
        403,
      );
      expect(
        (await override('1.6.0', 'bob', { reason: 'ok' })).body.error.message,
      ).toContain(
        'reason: explain in at least 10 characters why the release may go on',
      );
      expect(
        (
          await override(
            '1.6.0',
            'bob',
            { reason: 'accepted risk', extra: 1 },
            'production/tests',
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await override(
            '1.6.0',
            'bob',
            { reason: 'accepted risk here' },
            'production/tests',
          )
        ).body.error.message,
      ).toBe(
        'The tests rule cannot be overridden here; only load-test can (vulnerabilities have the allowlist, approvals the emergency promotion).',
      );
      expect(
        (
          await override(
            '1.6.0',
            'bob',
            { reason: 'accepted risk here' },
            'moon/load-test',
          )
        ).body.error.message,
      ).toBe(
        "Unknown environment 'moon'. Configured environments: staging, production.",
      );
      await override('9.9.9', 'bob', { reason: 'accepted risk here' }).expect(
        404,
      );
      expect(Number((await audited())[0].n)).toBe(before);
      expect((await rule('1.6.0')).status).toBe('fail');

      const done = await override('1.6.0', 'bob', {
        reason: 'slower serializer accepted until 1.6.1',
      });
      expect(done.status).toBe(201);
      expect(done.body).toMatchObject({
        rule: 'load-test',
        environment: 'production',
        createdBy: 'user:default/bob',
      });
      expect(await rule('1.6.0')).toMatchObject({
        status: 'pass',
        reason: expect.stringMatching(
          /^Overridden by user:default\/bob \(slower serializer accepted until 1\.6\.1\): regressed against 1\.4\.0/,
        ),
      });
      // staging is not overridden by the production override
      expect((await rule('1.6.0', 'staging')).status).toBe('fail');
      await override('1.6.0', 'alice', {
        reason: 'second opinion here',
      }).expect(409);
      expect(Number((await audited())[0].n)).toBe(before + 1);
    });
  },
);
