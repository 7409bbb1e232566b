import type { Entity } from '@backstage/catalog-model';
import type { EvidenceRecord } from '@gantry/plugin-gantry-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseEvidence } from '../../evidence/parsers';
import { migrationsRule } from './migrations';

const SQL = path.join(
  __dirname,
  '../../evidence/parsers/__fixtures__/migrations',
);
const SQUAWK = require.resolve('squawk-cli/js/bin/squawk');

/** squawk's JSON findings on the given files, run for real, paths as CI passes them. */
async function squawk(files: string[]): Promise<unknown[]> {
  // squawk exits 1 when it finds something; its JSON is on stdout either way.
  const out = await promisify(execFile)(
    process.execPath,
    [SQUAWK, '--reporter', 'json', ...files],
    { cwd: SQL },
  ).catch(e => e as { stdout: string });
  return JSON.parse(out.stdout);
}

const FORWARD_ONLY =
  'drops legacy_total after 1.4 stopped reading it; the data is in total_cents';
type Step = {
  file: string;
  phase?: string;
  expandedIn?: string;
  rollback: object;
};
const V7: Step = {
  file: 'V7__add_order_note.sql',
  rollback: { down: 'V7__add_order_note.down.sql' },
};
const V8 = (over: Partial<Step> = {}): Step => ({
  file: 'V8__drop_legacy_total.sql',
  rollback: { forwardOnly: FORWARD_ONLY },
  ...over,
});

/** The release's migration evidence as CI produces it: squawk's output plus the plan. */
async function report(steps: Step[]): Promise<EvidenceRecord> {
  const doc = {
    tool: 'flyway',
    migrations: steps,
    squawk: await squawk(steps.map(s => s.file)),
  };
  return {
    id: 'ev-1',
    entityRef: 'component:default/checkout',
    version: '1.5.0',
    format: 'migration',
    sha256: '0'.repeat(64),
    sizeBytes: 1,
    uploadedBy: 'service:ci',
    uploadedAt: '2026-12-01T10:00:00Z',
    summary: await parseEvidence('migration', Buffer.from(JSON.stringify(doc))),
  };
}

const entity = (strategy?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: strategy ? { 'gantry.dev/rollout-strategy': strategy } : {},
  },
});
const recorded = new Set(['1.4.0']);
const rule = async (
  evidence: EvidenceRecord[],
  strategy?: string,
  version = '1.5.0',
) =>
  migrationsRule(
    {
      entity: entity(strategy),
      entityRef: 'component:default/checkout',
      version,
      evidence,
    },
    { isRecorded: async (_, v) => recorded.has(v) },
  );

jest.setTimeout(30_000);

describe('the migrations gate rule on squawk-linted SQL', () => {
  it('passes an expand-only migration with its down migration', async () => {
    const ev = await report([V7]);
    expect(ev.summary.migrations).toMatchObject({
      files: 1,
      findings: { total: 0 },
      breaking: [],
    });
    expect(await rule([ev])).toEqual({
      rule: 'migrations',
      status: 'pass',
      reason:
        '1 migration, expand-only; rollback: every step has a down migration.',
    });
  });

  it('fails a drop and a rename in an expand step of a canary release, naming file, line and rule', async () => {
    const ev = await report([V7, V8()]);
    expect(ev.summary.headline).toBe(
      'Migrations: 2 files, 3 squawk findings, 2 backward-incompatible, 1 forward-only',
    );
    const result = await rule([ev]);
    expect(result.status).toBe('fail');
    expect(result.reason).toContain(
      '2 backward-incompatible changes in expand steps, while the previous release keeps running during the canary release: V8__drop_legacy_total.sql:4 ban-drop-column, V8__drop_legacy_total.sql:5 renaming-column.',
    );
    // blue-green runs both releases too; recreate does not
    expect((await rule([ev], 'blue-green')).status).toBe('fail');
    expect(await rule([ev], 'recreate')).toMatchObject({
      status: 'pass',
      reason: `2 migrations, recreate strategy (no old release runs beside it); rollback: 1 down migration; forward-only: V8__drop_legacy_total.sql (${FORWARD_ONLY}).`,
    });
  });

  it('passes the same drop as the contract step of a recorded earlier expand, and only then', async () => {
    const contract = await report([
      V8({ phase: 'contract', expandedIn: '1.4.0' }),
    ]);
    expect(await rule([contract])).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(
        /^1 migration, contract steps completing 1\.4\.0; rollback: 0 down migrations; forward-only/,
      ),
    });
    const unknown = await report([
      V8({ phase: 'contract', expandedIn: '1.3.9' }),
    ]);
    expect((await rule([unknown])).reason).toBe(
      'V8__drop_legacy_total.sql completes the expand step of 1.3.9, which is not a recorded release of component:default/checkout.',
    );
    const itself = await report([
      V8({ phase: 'contract', expandedIn: '1.5.0' }),
    ]);
    expect((await rule([itself])).status).toBe('fail');
  });

  it('fails a release without a migration report, and reads the newest report', async () => {
    expect((await rule([])).reason).toMatch(/^No migration report for 1\.5\.0/);
    const old = {
      ...(await report([V7, V8()])),
      uploadedAt: '2026-12-01T09:00:00Z',
    };
    expect((await rule([old, await report([V7])])).status).toBe('pass');
  });
});

describe('the migration evidence format', () => {
  const parse = (doc: unknown) =>
    parseEvidence('migration', Buffer.from(JSON.stringify(doc)));
  const fixture = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(SQL, '..', name), 'utf8'));

  it('reads the squawk output the fixtures were made from', async () => {
    const summary = await parse(fixture('migration-destructive.json'));
    expect(
      summary.migrations?.breaking.map(b => `${b.file}:${b.line}`),
    ).toEqual(['V8__drop_legacy_total.sql:4', 'V8__drop_legacy_total.sql:5']);
  });

  it('refuses a step without a rollback plan, a contract without its expand, and findings of unlisted files', async () => {
    await expect(
      parse({ migrations: [{ file: 'V1.sql' }], squawk: [] }),
    ).rejects.toThrow(
      'Invalid migration evidence at migrations[0].rollback: give {"down": "<file of the down migration>"}',
    );
    await expect(
      parse({
        migrations: [{ file: 'V1.sql', rollback: { forwardOnly: 'no' } }],
        squawk: [],
      }),
    ).rejects.toThrow(
      'Invalid migration evidence at migrations[0].rollback.forwardOnly: say in at least 10 characters why this step cannot be undone',
    );
    await expect(
      parse({
        migrations: [
          { file: 'V1.sql', phase: 'contract', rollback: { down: 'U1.sql' } },
        ],
        squawk: [],
      }),
    ).rejects.toThrow(
      'Invalid migration evidence at migrations[0].expandedIn: a contract step names the earlier release whose expand step it completes',
    );
    const doc = fixture('migration-destructive.json');
    await expect(
      parse({ ...doc, migrations: doc.migrations.slice(0, 1) }),
    ).rejects.toThrow(
      'Invalid migration evidence at squawk[0].file: squawk linted V8__drop_legacy_total.sql, which migrations does not list',
    );
    await expect(parse({ ...doc, migrations: [V7, V7] })).rejects.toThrow(
      'V7__add_order_note.sql is listed twice',
    );
  });
});
