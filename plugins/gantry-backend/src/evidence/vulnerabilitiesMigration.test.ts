import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/databases';
import { KnexEvidenceStore } from './KnexEvidenceStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const MIGRATION = '20261203090000_evidence_vulnerabilities.js';
const directory = resolvePackagePath(
  '@gantry/plugin-gantry-backend',
  'migrations',
);

describe.each(databases.eachSupportedId())(
  'the evidence vulnerabilities migration on %s',
  databaseId => {
    it('backfills the findings of evidence uploaded before it', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({ directory, name: MIGRATION });
      await knex('gantry_releases').insert({
        entity_ref: 'component:default/checkout',
        version: '1.0.0',
        commit_sha: 'abc1234',
        created_at: '2026-11-20T10:00:00Z',
      });
      const row = (id: string, format: string, findings: object[]) => ({
        id,
        entity_ref: 'component:default/checkout',
        version: '1.0.0',
        format,
        sha256: id.padEnd(64, '0'),
        size_bytes: 1,
        content: Buffer.from('{}'),
        summary: JSON.stringify({
          headline: format,
          vulnerabilities: { counts: {}, findings },
        }),
        uploaded_by: 'service:ci',
        uploaded_at: '2026-11-20T10:00:00Z',
      });
      await knex('gantry_evidence').insert([
        row('e1', 'trivy', [
          { id: 'CVE-1', severity: 'HIGH', fixAvailable: true },
          { id: 'CVE-2', severity: 'CRITICAL', fixAvailable: false },
        ]),
        row('e2', 'sarif', [
          {
            id: 'js/code-injection',
            severity: 'CRITICAL',
            fixAvailable: false,
          },
        ]),
      ]);
      await knex.migrate.up({ directory, name: MIGRATION });

      const store = new KnexEvidenceStore(knex);
      const match = (m: object) =>
        store.matchingVulnerabilities('component:default/checkout', '1.0.0', {
          fixableSeverities: [],
          anySeverities: [],
          ...m,
        });
      expect(await match({ fixableSeverities: ['CRITICAL', 'HIGH'] })).toEqual([
        { id: 'CVE-1', severity: 'HIGH' },
      ]);
      expect(await match({ anySeverities: ['CRITICAL'] })).toEqual([
        { id: 'CVE-2', severity: 'CRITICAL' },
        { id: 'js/code-injection', severity: 'CRITICAL' },
      ]);
      // a SARIF critical gets the lowest score of its band, so the default 7.0 still blocks it
      expect(await match({ minScore: 7 })).toEqual([
        { id: 'js/code-injection', severity: 'CRITICAL' },
      ]);
      expect(await match({ minScore: 9.5 })).toEqual([]);
    });
  },
);
