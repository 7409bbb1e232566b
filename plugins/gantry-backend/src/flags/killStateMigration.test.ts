import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const directory = resolvePackagePath(
  '@gantry/plugin-gantry-backend',
  'migrations',
);
const ENTITY = 'component:default/checkout';

const authored = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  targeting: {
    fractional: [
      ['on', 2500],
      ['off', 7500],
    ],
  },
};
/** What a kill wrote into the definition before the kill state had its own columns. */
const rewritten = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
};

describe.each(databases.eachSupportedId())(
  'the kill-state migration on %s',
  databaseId => {
    it('takes a legacy killed flag back to its authored definition from the audit log, and leaves later edits alone', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261203130000_flag_kill_state.js',
      });
      const row = (key: string, version: number) => ({
        entity_ref: ENTITY,
        environment: 'staging',
        flag_key: key,
        definition: JSON.stringify(rewritten),
        flag_type: 'release',
        owner: 'group:default/payments',
        safe_variant: 'off',
        version,
        killed_at: '2026-11-30T10:00:00.000Z',
        killed_by: 'user:default/alice',
        created_at: '2026-11-29T10:00:00.000Z',
        created_by: 'user:default/alice',
        updated_at: '2026-11-30T10:00:00.000Z',
        updated_by: 'user:default/alice',
      });
      // `legacy` was killed last; `edited` was edited after its kill (version moved on).
      await knex('gantry_flags').insert([row('legacy', 2), row('edited', 3)]);
      const kill = (seq: number, key: string) => ({
        seq,
        occurred_at: '2026-11-30T10:00:00.000Z',
        actor: 'user:default/alice',
        action: 'flag.kill',
        entity_ref: ENTITY,
        record: JSON.stringify({
          action: 'flag.kill',
          details: {
            environment: 'staging',
            key,
            reason: 'checkout errors',
            before: { key, version: 1, definition: authored },
            after: { key, version: 2, definition: rewritten },
          },
        }),
        prev_hash: '0'.repeat(64),
        hash: String(seq).repeat(64).slice(0, 64),
      });
      await knex('gantry_audit_log').insert([
        kill(1, 'legacy'),
        kill(2, 'edited'),
      ]);

      await knex.migrate.latest({ directory });

      const stored = async (key: string) =>
        knex('gantry_flags').where({ flag_key: key }).first();
      const legacy = await stored('legacy');
      expect(JSON.parse(legacy.definition)).toEqual(authored);
      expect(legacy.killed_reason).toBe('checkout errors');
      expect(legacy.killed_at).toBe('2026-11-30T10:00:00.000Z');
      const edited = await stored('edited');
      expect(JSON.parse(edited.definition)).toEqual(rewritten);
      expect(edited.killed_reason).toBeNull();
    });
  },
);
