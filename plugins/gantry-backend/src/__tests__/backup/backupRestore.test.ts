import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { createTestDatabases } from '../../__testUtils__/databases';
import { booleanFlag } from '../../flags/__fixtures__/flagSets';
import { gantryPlugin } from '../../plugin';
import { databaseUrl, pgDump, pgRestore } from './pgBackup';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const COMMIT = '0d6a3b2c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const base = '/api/gantry/entities/default/component/checkout';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'evidence/parsers/__fixtures__', name),
  );

/** A Trivy report with `n` findings (the size of a large base image's scan). */
const largeTrivy = (n: number) => {
  const report = JSON.parse(fixture('trivy-v2.json').toString('utf8'));
  const [first] = report.Results[0].Vulnerabilities;
  report.Results[0].Vulnerabilities = Array.from({ length: n }, (_, i) => ({
    ...first,
    VulnerabilityID: `CVE-2026-${String(10000 + i)}`,
    PkgName: `pkg-${i % 500}`,
    Severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4],
  }));
  return Buffer.from(JSON.stringify(report));
};

async function gantryOn(knex: any) {
  const backend = await startTestBackend({
    features: [
      gantryPlugin,
      mockServices.database.factory({ knex, migrations: { skip: false } }),
      mockServices.rootConfig.factory({ data: {} }),
      catalogServiceMock.factory({ entities: complianceEntities }),
      notificationsMock,
    ],
  });
  return { backend, server: backend.server as http.Server };
}

/** Rows per table of the database: every Gantry table and the migration bookkeeping. */
async function rowCounts(knex: any): Promise<Record<string, number>> {
  const tables: string[] = (
    await knex('pg_tables')
      .where({ schemaname: 'public' })
      .orderBy('tablename')
      .pluck('tablename')
  ).filter((t: string) => t.startsWith('gantry_') || t.startsWith('knex_'));
  const counts: Record<string, number> = {};
  for (const t of tables)
    counts[t] = Number((await knex(t).count({ n: '*' }))[0].n);
  return counts;
}

/** What a restored Gantry must answer exactly as the original did. */
async function observe(server: http.Server, clientSecret: string) {
  const get = (p: string) =>
    request(server).get(p).set('Authorization', as('alice'));
  const evaluation = await request(server)
    .post('/api/gantry/ofrep/v1/evaluate/flags/checkout-v2')
    .set('Authorization', `Bearer ${clientSecret}`)
    .send({ context: { targetingKey: 'user-42' } });
  return {
    head: (await get('/api/gantry/audit/head')).body,
    verify: (await get('/api/gantry/audit/verify')).body,
    evaluation: { status: evaluation.status, value: evaluation.body.value },
    promotions: (await get(`${base}/promotions`)).body.items?.map((p: any) => [
      p.id,
      p.status,
    ]),
    gate: (await get(`${base}/releases/1.0.0/gates/production`)).body.rules,
    evidence: (await get(`${base}/releases/1.3.0`)).body.evidence?.length,
  };
}

// PostgreSQL only: pg_dump and pg_restore are PostgreSQL's tools.
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)('backup and restore of Gantry on %s', databaseId => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-backup-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('restores a pg_dump into a fresh database that a new backend serves with nothing lost', async () => {
    const source = await databases.init(databaseId);
    const original = await gantryOn(source);
    const server = original.server;
    const put = (baseVersion: number | null, i: number, to = server) =>
      request(to)
        .put(`${base}/flags/staging/checkout-v2`)
        .set('Authorization', as('alice'))
        .send({
          flag: {
            type: 'release',
            definition: {
              ...booleanFlag,
              defaultVariant: i % 2 ? 'on' : 'off',
            },
          },
          baseVersion,
          reason: `edit ${i}`,
        });

    // flags: a flag edited 5 times and a client key
    let version: number | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await put(version, i);
      expect(res.status).toBe(200);
      version = res.body.flag.version;
    }
    const key = await request(server)
      .post(`${base}/flag-keys`)
      .set('Authorization', as('alice'))
      .send({ environment: 'staging', name: 'backup' });
    expect(key.status).toBe(201);
    // evidence: test results for 5 releases, Trivy scans (one of 20,000 findings), an SBOM
    for (let i = 0; i < 5; i++)
      await request(server)
        .post(`${base}/releases/1.${i}.0/evidence/junit?commit=${COMMIT}`)
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(fixture('junit-nested.xml'))
        .expect(201);
    for (const [format, file] of [
      ['trivy', 'trivy-v2.json'],
      ['cyclonedx', 'cyclonedx-1.7-nested.json'],
    ])
      await request(server)
        .post(`${base}/releases/1.3.0/evidence/${format}?commit=${COMMIT}`)
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/octet-stream')
        .send(fixture(file))
        .expect(201);
    await request(server)
      .post(`${base}/releases/1.4.0/evidence/trivy?commit=${COMMIT}`)
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/octet-stream')
      .send(largeTrivy(20_000))
      .expect(201);
    // approvals: a production promotion approved by another owner
    const asked = await request(server)
      .post(`${base}/releases/1.0.0/promotions`)
      .set('Authorization', as('alice'))
      .send({ environment: 'production', reason: 'ship it' });
    expect(asked.status).toBe(201);
    await request(server)
      .post(`/api/gantry/promotions/${asked.body.id}/decision`)
      .set('Authorization', as('bob'))
      .send({ decision: 'approve', comment: 'reviewed' })
      .expect(200);

    const seen = await observe(server, key.body.secret);
    // stopped first, as before a real backup: it flushes buffered evaluation counts
    await original.backend.stop();
    const before = { counts: await rowCounts(source), seen };
    expect(before.seen.verify).toMatchObject({ ok: true });
    expect(before.seen.evaluation).toEqual({ status: 200, value: false });
    expect(before.seen.promotions).toEqual([[asked.body.id, 'approved']]);
    expect(before.seen.evidence).toBe(3);
    expect(before.seen.gate).toContainEqual(
      expect.objectContaining({ rule: 'approvals', status: 'pass' }),
    );
    expect(before.counts.gantry_audit_log).toBeGreaterThan(10);

    const server15 =
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!;
    const name = async (knex: any) =>
      (await knex.raw('select current_database() as db')).rows[0].db;
    const dump = path.join(dir, 'gantry.dump');
    let t = performance.now();
    await pgDump(databaseUrl(server15, await name(source)), dump);
    const dumpMs = performance.now() - t;

    const target = await databases.init(databaseId);
    t = performance.now();
    await pgRestore(databaseUrl(server15, await name(target)), dump);
    const restoreMs = performance.now() - t;
    const restored = await gantryOn(target);
    await request(restored.server).get('/api/gantry/health').expect(200);
    const rtoMs = performance.now() - t;

    try {
      expect(await rowCounts(target)).toEqual(before.counts);
      expect(await observe(restored.server, key.body.secret)).toEqual(
        before.seen,
      );
      // the restored backend keeps writing onto the same chain
      await put(version, 7, restored.server).expect(200);
      const after = await request(restored.server)
        .get('/api/gantry/audit/verify')
        .set('Authorization', as('alice'));
      expect(after.body).toMatchObject({
        ok: true,
        checked: before.counts.gantry_audit_log + 1,
      });
    } finally {
      await restored.backend.stop();
    }
    // eslint-disable-next-line no-console
    console.log(
      `Gantry backup/restore on PostgreSQL 15: ${Object.values(
        before.counts,
      ).reduce((a, b) => a + b, 0)} rows in ${
        Object.keys(before.counts).length
      } tables, dump ${fs.statSync(dump).size} bytes; pg_dump ${dumpMs.toFixed(
        0,
      )} ms, pg_restore ${restoreMs.toFixed(
        0,
      )} ms, restore + backend serving (RTO) ${rtoMs.toFixed(0)} ms`,
    );
  });
});
