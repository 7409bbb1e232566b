import { createTestDatabases } from '../../__testUtils__/databases';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { AuditService, chainHash } from './AuditService';
import { KnexAuditStore } from './KnexAuditStore';
import { GENESIS_HASH } from './types';
import { canonicalJson } from './canonicalJson';

jest.setTimeout(60_000);
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('audit log on %s', databaseId => {
  let knex: Knex;
  let audit: AuditService;
  let clock: number;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@gantry/plugin-gantry-backend',
        'migrations',
      ),
    });
    clock = Date.parse('2026-11-01T10:00:00Z');
    audit = new AuditService(
      new KnexAuditStore(knex),
      () => new Date((clock += 60_000)),
    );
  });

  async function seed(n: number) {
    for (let i = 1; i <= n; i++) {
      await audit.record({
        actor: 'user:default/alice',
        action: 'evidence.upload',
        entityRef: 'component:default/checkout',
        details: { n: i, ok: i % 2 === 0, note: 'ünïcode ✓' },
      });
    }
  }

  it('chains records from genesis with RFC 8785 bytes and verifies', async () => {
    await seed(5);
    const rows = await knex('gantry_audit_log').orderBy('seq');
    expect(rows).toHaveLength(5);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[0].record).toBe(
      '{"action":"evidence.upload","actor":"user:default/alice","details":{"n":1,"note":"ünïcode ✓","ok":false},"entityRef":"component:default/checkout","occurredAt":"2026-11-01T10:01:00.000Z","seq":1}',
    );
    expect(rows[0].hash).toBe(chainHash(GENESIS_HASH, rows[0].record));
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    const result = await audit.verify();
    expect(result).toEqual({
      ok: true,
      checked: 5,
      head: { seq: 5, hash: rows[4].hash },
    });
  });

  it('names the record whose content was changed', async () => {
    await seed(5);
    const row = await knex('gantry_audit_log').where({ seq: 3 }).first();
    const edited = JSON.parse(row.record);
    edited.details.ok = true;
    await knex('gantry_audit_log')
      .where({ seq: 3 })
      .update({ record: canonicalJson(edited) });
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3, checked: 2 });
    expect(!result.ok && result.reason).toMatch(/content was changed/);
  });

  it('names a record whose queryable column was edited', async () => {
    await seed(4);
    await knex('gantry_audit_log')
      .where({ seq: 2 })
      .update({ actor: 'user:default/mallory' });
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('names the gap when a record is deleted', async () => {
    await seed(5);
    await knex('gantry_audit_log').where({ seq: 4 }).delete();
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    expect(!result.ok && result.reason).toMatch(/Record 4 is missing/);
  });

  it('detects reordered records', async () => {
    await seed(5);
    const a = await knex('gantry_audit_log').where({ seq: 2 }).first();
    const b = await knex('gantry_audit_log').where({ seq: 3 }).first();
    // swap everything but the position
    const { seq: _a, ...restA } = a;
    const { seq: _b, ...restB } = b;
    await knex('gantry_audit_log').where({ seq: 2 }).update(restB);
    await knex('gantry_audit_log').where({ seq: 3 }).update(restA);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('detects a truncated tail through the published head', async () => {
    await seed(5);
    await knex('gantry_audit_log').where('seq', '>', 3).delete();
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4, checked: 3 });
  });

  it('keeps the chain whole under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.record({
          actor: 'user:default/bob',
          action: 'flag.update',
          details: { i },
        }),
      ),
    );
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, checked: 20 });
  });

  it('exports a period in chain order', async () => {
    await seed(5);
    const out = [];
    for await (const r of audit.export({
      from: '2026-11-01T10:02:00.000Z',
      to: '2026-11-01T10:04:00.000Z',
    })) {
      out.push(r.seq);
    }
    expect(out).toEqual([2, 3]);
  });

  it('rolls back the audit record with the change it belongs to', async () => {
    await expect(
      knex.transaction(async tx => {
        await audit.record(
          { actor: 'user:default/alice', action: 'approval.decide' },
          tx,
        );
        throw new Error('domain write failed');
      }),
    ).rejects.toThrow('domain write failed');
    expect(await audit.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(await knex('gantry_audit_log').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
    const [{ n }] = await knex('gantry_audit_log').count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  it('migrates down cleanly', async () => {
    const dir = resolvePackagePath(
      '@gantry/plugin-gantry-backend',
      'migrations',
    );
    await knex.migrate.rollback({ directory: dir }, true);
    expect(await knex.schema.hasTable('gantry_audit_log')).toBe(false);
    await knex.migrate.latest({ directory: dir });
    expect(await knex.schema.hasTable('gantry_audit_log')).toBe(true);
  });
});
