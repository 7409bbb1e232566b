import type { Entity } from '@backstage/catalog-model';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { GateRuleResult } from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabases } from '../../__testUtils__/databases';
import { EvidenceService } from '../../evidence/EvidenceService';
import { KnexEvidenceStore } from '../../evidence/KnexEvidenceStore';
import { AuditService } from '../../kernel/audit/AuditService';
import { KnexAuditStore } from '../../kernel/audit/KnexAuditStore';
import { readComplianceConfig } from '../../kernel/config/complianceConfig';
import { AllowlistService } from '../AllowlistService';
import { GateService } from '../GateService';
import { KnexAllowlistStore } from '../KnexAllowlistStore';

/**
 * The evidence rules as they run: documents go through the upload (parsers, stores,
 * one transaction) into SQLite or PostgreSQL, and the gate reads them back from there.
 */

jest.setTimeout(120_000);
const databases = createTestDatabases();
const NOW = new Date('2026-11-26T12:00:00Z');
const REF = 'component:default/checkout';
const VERSION = '1.4.2';
const RULES = ['vulnerabilities', 'tests', 'sbom', 'secret-scan'];
const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '../../evidence/parsers/__fixtures__', name),
  );
const json = (name: string) => JSON.parse(fixture(name).toString('utf8'));
const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const entity = (policy: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'gantry.dev/compliance-policy': policy },
  },
});

const trivy = (
  vulns: Array<{ id: string; severity: string; fixed?: string }>,
) =>
  bytes({
    SchemaVersion: 2,
    ArtifactName: 'ghcr.io/acme/checkout:1.4.2',
    Results: [
      {
        Target: 'ghcr.io/acme/checkout:1.4.2 (debian 12.8)',
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: vulns.map(v => ({
          VulnerabilityID: v.id,
          PkgName: 'libfoo',
          InstalledVersion: '1.0',
          ...(v.fixed ? { FixedVersion: v.fixed, Status: 'fixed' } : {}),
          Severity: v.severity,
        })),
      },
    ],
  });

describe.each(databases.eachSupportedId())(
  'evidence gate rules on %s',
  databaseId => {
    let knex: Knex;
    let evidence: EvidenceService;
    let allowlist: AllowlistService;
    let allowlistStore: KnexAllowlistStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gantry/plugin-gantry-backend',
          'migrations',
        ),
      });
      const audit = new AuditService(new KnexAuditStore(knex), () => NOW);
      evidence = new EvidenceService(
        new KnexEvidenceStore(knex),
        audit,
        () => NOW,
      );
      allowlistStore = new KnexAllowlistStore(knex);
      allowlist = new AllowlistService(allowlistStore, audit, () => NOW);
    });

    const upload = (
      format: 'trivy' | 'sarif' | 'cyclonedx' | 'spdx',
      content: Buffer,
    ) =>
      evidence.upload({
        entityRef: REF,
        version: VERSION,
        commit: 'abc1234',
        format,
        content,
        actor: 'service:ci',
      });

    /** The production verdict of the `evidence` policy (only the rules under test) per rule. */
    async function judge(
      vulnerabilities: object = {},
    ): Promise<Record<string, GateRuleResult>> {
      const config = readComplianceConfig(
        new ConfigReader({
          gantry: {
            compliance: {
              policies: { evidence: { production: RULES } },
              vulnerabilities,
            },
          },
        }),
        ['staging', 'production'],
      );
      const gates = new GateService({
        config,
        environments: ['staging', 'production'],
        evidence,
        promotions: {
          needsApproval: () => {
            throw new Error('the evidence policy has no approvals rule');
          },
          approvalState: async () => ({}),
        },
        allowlist: allowlistStore,
        signals: [],
        now: () => NOW,
      });
      const verdict = await gates.evaluate(
        entity('evidence'),
        REF,
        VERSION,
        'production',
      );
      return Object.fromEntries(verdict.rules.map(r => [r.rule, r]));
    }

    const accept = (vulnerabilityId: string) =>
      allowlist.accept({
        entityRef: REF,
        vulnerabilityId,
        justification: 'Not reachable from the checkout code path.',
        expiresAt: '2026-12-26T12:00:00Z',
        actor: 'user:default/alice',
      });

    describe('vulnerabilities', () => {
      const criticals = Array.from({ length: 200 }, (_, i) => ({
        id: `CVE-2026-${String(i).padStart(5, '0')}`,
        severity: 'CRITICAL',
      }));

      it('fails on a fixable HIGH behind 200 unfixable CRITICALs', async () => {
        const { record } = await upload(
          'trivy',
          trivy([
            ...criticals,
            { id: 'CVE-2026-99999', severity: 'HIGH', fixed: '1.1' },
          ]),
        );
        // the summary's list stops at 200 and leaves the HIGH out; the gate does not
        expect(record.summary.vulnerabilities!.findings).toHaveLength(200);
        expect(record.summary.headline).toBe(
          'Trivy: 200 critical, 1 high (1 fixable)',
        );
        const r = await judge();
        expect(r.vulnerabilities.status).toBe('fail');
        expect(r.vulnerabilities.reason).toBe(
          '1 vulnerability blocks (fixable CRITICAL/HIGH; SARIF security-severity >= 7.0): CVE-2026-99999. Upgrade, or allowlist with a justification and expiry.',
        );
        expect(
          Number(
            (await knex('gantry_evidence_vulnerabilities').count({ n: '*' }))[0]
              .n,
          ),
        ).toBe(201);
      });

      it('lets unfixable CRITICALs pass by default and blocks them where a policy says so', async () => {
        await upload('trivy', trivy(criticals));
        expect((await judge()).vulnerabilities).toMatchObject({
          status: 'pass',
          reason:
            'No fixable CRITICAL/HIGH vulnerabilities, no SARIF security-severity >= 7.0 in 1 scan(s).',
        });
        const strict = await judge({
          byPolicy: { evidence: { blockUnfixable: ['CRITICAL'] } },
        });
        expect(strict.vulnerabilities.status).toBe('fail');
        expect(strict.vulnerabilities.reason).toMatch(
          /^200 vulnerabilities block \(fixable CRITICAL\/HIGH; CRITICAL without a fix; SARIF .*\): CVE-2026-00000, CVE-2026-00001, CVE-2026-00002, CVE-2026-00003, CVE-2026-00004 and 195 more\./,
        );
        // another policy's setting does not reach this one
        const other = await judge({
          byPolicy: { default: { blockUnfixable: ['CRITICAL'] } },
        });
        expect(other.vulnerabilities.status).toBe('pass');
      });

      it('fails on a SARIF result scored 9.8 without a fix, until its rule is allowlisted', async () => {
        await upload('trivy', trivy([]));
        await upload('sarif', fixture('sarif-codeql-extensions.json'));
        let r = await judge();
        expect(r.vulnerabilities.status).toBe('fail');
        expect(r.vulnerabilities.reason).toContain(': js/code-injection.');
        // a policy may set its threshold above the score
        r = await judge({ securitySeverityThreshold: 9.9 });
        expect(r.vulnerabilities.status).toBe('pass');
        await accept('js/code-injection');
        r = await judge();
        expect(r.vulnerabilities).toMatchObject({
          status: 'pass',
          reason: expect.stringContaining('1 allowlisted (js/code-injection)'),
        });
      });

      it('does not count SARIF results that are absent from this run or suppressed', async () => {
        const log = json('sarif-codeql-extensions.json');
        log.runs[0].results[0].baselineState = 'absent';
        await upload('sarif', bytes(log));
        const r = await judge({ securitySeverityThreshold: 0 });
        expect(r.vulnerabilities).toMatchObject({
          status: 'pass',
          reason: expect.stringContaining('in 1 scan(s)'),
        });
      });

      it('does not count CycloneDX vulnerabilities analysed as resolved or false positive', async () => {
        await upload('cyclonedx', fixture('cyclonedx-1.7-nested.json'));
        await accept('GHSA-c2qf-rxjj-qqgw');
        const r = await judge({ blockUnfixable: ['CRITICAL', 'HIGH'] });
        // CVE-2024-45590 (resolved) and CVE-2024-43796 (false_positive) would block too
        expect(r.vulnerabilities.reason).toMatch(/: CVE-2025-0001\. Upgrade/);
      });
    });

    describe('sbom', () => {
      it('fails on an SBOM without components', async () => {
        const empty = json('cyclonedx-1.6-minimal.json');
        await upload('cyclonedx', bytes(empty));
        const r = await judge();
        expect(r.sbom).toMatchObject({
          status: 'fail',
          reason: expect.stringMatching(
            /^No uploaded SBOM lists any component \(CycloneDX 1\.6 with 0 components\)/,
          ),
        });
      });

      it('fails on a VEX-only document and on an SPDX document without packages', async () => {
        await upload('cyclonedx', fixture('cyclonedx-vex.json'));
        const spdx = json('spdx-2.3.json');
        delete spdx.packages;
        delete spdx.relationships;
        await upload('spdx', bytes(spdx));
        expect((await judge()).sbom.reason).toMatch(
          /^No uploaded SBOM lists any component \(CycloneDX 1\.6 VEX document, SPDX 2\.3 with 0 components\)/,
        );
      });

      it('passes on a CycloneDX 1.7 SBOM, counting nested components', async () => {
        await upload('cyclonedx', fixture('cyclonedx-vex.json'));
        await upload('cyclonedx', fixture('cyclonedx-1.7-nested.json'));
        expect((await judge()).sbom).toMatchObject({
          status: 'pass',
          reason: 'CycloneDX 1.7 SBOM with 5 components.',
        });
      });
    });

    describe('secret-scan', () => {
      it('fails on a Trivy report with a secret, even beside a clean SARIF secret scan', async () => {
        await upload('sarif', fixture('sarif-gitleaks-clean.json'));
        expect((await judge())['secret-scan'].status).toBe('pass');
        await upload('trivy', fixture('trivy-secrets-misconfig.json'));
        expect((await judge())['secret-scan']).toMatchObject({
          status: 'fail',
          reason:
            'Secret scan reports 1 finding(s) (aws-access-key-id in /app/deploy.sh); rotate and remove the secrets, then scan again.',
        });
      });

      it('does not take a Trivy report without secret results for a secret scan', async () => {
        await upload('trivy', fixture('trivy-clean.json'));
        expect((await judge())['secret-scan'].reason).toMatch(
          /^No secret scan uploaded/,
        );
      });
    });

    it('stores a document and its findings together or not at all', async () => {
      const store = new KnexEvidenceStore(knex);
      const failing = Object.assign(Object.create(store), {
        insertEvidence: async (
          ...args: Parameters<typeof store.insertEvidence>
        ) => {
          await store.insertEvidence(...args);
          throw new Error('disk full');
        },
      });
      const service = new EvidenceService(
        failing,
        new AuditService(new KnexAuditStore(knex), () => NOW),
        () => NOW,
      );
      await expect(
        service.upload({
          entityRef: REF,
          version: VERSION,
          commit: 'abc1234',
          format: 'trivy',
          content: fixture('trivy-v2.json'),
          actor: 'service:ci',
        }),
      ).rejects.toThrow('disk full');
      for (const table of [
        'gantry_releases',
        'gantry_evidence',
        'gantry_evidence_vulnerabilities',
        'gantry_audit_log',
      ]) {
        expect(Number((await knex(table).count({ n: '*' }))[0].n)).toBe(0);
      }
    });
  },
);
