import type { Entity } from '@backstage/catalog-model';
import type {
  EvidenceRecord,
  EvidenceSummary,
} from '@gantry/plugin-gantry-common';
import { readComplianceConfig } from '../kernel/config/complianceConfig';
import { ConfigReader } from '@backstage/config';
import type { EvidenceService } from '../evidence/EvidenceService';
import type { PromotionService } from '../approvals/PromotionService';
import type { AllowlistStore } from './AllowlistStore';
import { GateService, type GateSignal } from './GateService';

const NOW = new Date('2026-11-26T12:00:00Z');
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const entity = (policy?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: policy ? { 'gantry.dev/compliance-policy': policy } : {},
  },
});
const ev = (
  format: EvidenceRecord['format'],
  summary: Partial<EvidenceSummary>,
): EvidenceRecord => ({
  id: `${format}-${Math.random()}`,
  entityRef: 'component:default/checkout',
  version: '1.0.0',
  format,
  sha256: '0'.repeat(64),
  sizeBytes: 1,
  uploadedBy: 'service:ci',
  uploadedAt: NOW.toISOString(),
  summary: { headline: format, ...summary },
});
const zero = { total: 0, fixable: 0 };
const vulns = (
  findings: Array<{ id: string; severity: any; fixAvailable: boolean }>,
) =>
  ev('trivy', {
    vulnerabilities: {
      counts: {
        CRITICAL: zero,
        HIGH: zero,
        MEDIUM: zero,
        LOW: zero,
        UNKNOWN: zero,
      },
      findings,
    },
  });
const tests = (failed: number) =>
  ev('junit', {
    tests: {
      total: 5,
      passed: 5 - failed,
      failed,
      skipped: 0,
      failures: failed ? [{ name: 'checkout flow' }] : [],
    },
  });
const sbom = ev('cyclonedx', {
  sbom: { format: 'CycloneDX', specVersion: '1.6', components: 3 },
});
const provenance = (builderId: string, sha = DIGEST.slice(7)) =>
  ev('in-toto', {
    provenance: {
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId,
      subjects: [{ name: 'img', sha256: sha }],
      signed: true,
    },
  });
const secrets = (findings: number) =>
  ev('sarif', {
    codeScan: {
      tools: ['gitleaks'],
      secretScan: true,
      results: { error: findings, warning: 0, note: 0, none: 0 },
    },
  });
const TRUSTED = 'https://github.com/actions/runner/github-hosted';
const complete = () => [
  vulns([]),
  tests(0),
  sbom,
  provenance(TRUSTED),
  secrets(0),
];

function gates(opts: {
  evidence: EvidenceRecord[];
  imageDigest?: string;
  allowlisted?: string[];
  approved?: boolean;
  signals?: GateSignal[];
}) {
  const config = readComplianceConfig(
    new ConfigReader({
      gantry: { compliance: { trustedBuilders: [TRUSTED] } },
    }),
    ['staging', 'production'],
  );
  return new GateService({
    config,
    environments: ['staging', 'production'],
    evidence: {
      getRelease: async () => ({
        entityRef: 'component:default/checkout',
        version: '1.0.0',
        commit: 'abc1234',
        imageDigest: 'imageDigest' in opts ? opts.imageDigest : DIGEST,
        createdAt: NOW.toISOString(),
        evidence: opts.evidence,
      }),
      // what KnexEvidenceStore answers from its rows, here from the summaries' findings
      // (rules/evidenceRules.test.ts runs the rules on SQLite and PostgreSQL)
      matchingVulnerabilities: async (
        _ref: string,
        _version: string,
        m: { fixableSeverities: string[]; anySeverities: string[] },
      ) =>
        opts.evidence
          .flatMap(e => e.summary.vulnerabilities?.findings ?? [])
          .filter(
            f =>
              (f.fixAvailable && m.fixableSeverities.includes(f.severity)) ||
              m.anySeverities.includes(f.severity),
          )
          .map(f => ({ id: f.id, severity: f.severity })),
    } as unknown as EvidenceService,
    promotions: {
      needsApproval: (env: string) => env === 'production',
      approvalState: async () =>
        opts.approved
          ? {
              approved: {
                id: 'r1',
                decisions: [
                  { decision: 'approve', decidedBy: 'user:default/bob' },
                ],
              },
            }
          : { latest: undefined },
    } as unknown as PromotionService,
    allowlist: {
      activeIds: async () => new Set(opts.allowlisted ?? []),
    } as unknown as AllowlistStore,
    signals: opts.signals ?? [],
    now: () => NOW,
  });
}

const evaluate = (g: GateService, env = 'production', policy?: string) =>
  g.evaluate(entity(policy), 'component:default/checkout', '1.0.0', env);
const rule = async (g: GateService, name: string, env = 'production') =>
  (await evaluate(g, env)).rules.find(r => r.rule === name)!;

describe('GateService verdict matrix', () => {
  it('passes production with complete evidence and an approval; n/a rules do not block', async () => {
    const v = await evaluate(gates({ evidence: complete(), approved: true }));
    expect(v.verdict).toBe('pass');
    expect(v.rules.map(r => [r.rule, r.status])).toEqual([
      ['vulnerabilities', 'pass'],
      ['tests', 'pass'],
      ['sbom', 'pass'],
      ['provenance', 'pass'],
      ['secret-scan', 'pass'],
      ['slo-budget', 'not-applicable'],
      ['canary', 'not-applicable'],
      ['approvals', 'pass'],
    ]);
  });

  it.each([
    [
      'no evidence at all',
      [],
      'vulnerabilities',
      'fail',
      /^No vulnerability scan uploaded/,
    ],
    [
      'a fixable critical',
      [vulns([{ id: 'CVE-1', severity: 'CRITICAL', fixAvailable: true }])],
      'vulnerabilities',
      'fail',
      /CVE-1/,
    ],
    [
      'an unfixable critical',
      [vulns([{ id: 'CVE-1', severity: 'CRITICAL', fixAvailable: false }])],
      'vulnerabilities',
      'pass',
      /No fixable/,
    ],
    [
      'a fixable medium',
      [vulns([{ id: 'CVE-2', severity: 'MEDIUM', fixAvailable: true }])],
      'vulnerabilities',
      'pass',
      /No fixable/,
    ],
    [
      'failing tests',
      [tests(2)],
      'tests',
      'fail',
      /2 of 5 tests failed: checkout flow/,
    ],
    ['no tests', [vulns([])], 'tests', 'fail', /^No test results/],
    ['no SBOM', [tests(0)], 'sbom', 'fail', /^No SBOM/],
    [
      'provenance from an untrusted builder',
      [provenance('https://evil.example/builder')],
      'provenance',
      'fail',
      /not a trusted builder/,
    ],
    [
      'provenance for another image',
      [provenance(TRUSTED, 'cd'.repeat(32))],
      'provenance',
      'fail',
      /No provenance subject has the deployed image digest/,
    ],
    ['secret findings', [secrets(3)], 'secret-scan', 'fail', /3 finding\(s\)/],
    [
      'no secret scan',
      [sbom],
      'secret-scan',
      'fail',
      /^No secret scan uploaded/,
    ],
  ])('%s', async (_name, evidence, name, status, reason) => {
    const r = await rule(
      gates({ evidence: evidence as EvidenceRecord[] }),
      name as string,
    );
    expect(r.status).toBe(status);
    expect(r.reason).toMatch(reason as RegExp);
  });

  it('accepts allowlisted findings and says so', async () => {
    const g = gates({
      evidence: [
        vulns([{ id: 'CVE-1', severity: 'HIGH', fixAvailable: true }]),
      ],
      allowlisted: ['CVE-1'],
    });
    const r = await rule(g, 'vulnerabilities');
    expect(r).toMatchObject({ status: 'pass' });
    expect(r.reason).toContain('1 allowlisted (CVE-1)');
  });

  it('fails provenance when the release has no image digest to match', async () => {
    const r = await rule(
      gates({ evidence: [provenance(TRUSTED)], imageDigest: undefined }),
      'provenance',
    );
    expect(r.reason).toMatch(/no image digest/);
  });

  it('asks only for vulnerabilities and tests in staging, and approvals are not applicable there', async () => {
    const v = await evaluate(
      gates({ evidence: [vulns([]), tests(0)] }),
      'staging',
    );
    expect(v).toMatchObject({ verdict: 'pass', policy: 'default' });
    expect(v.rules.map(r => r.rule)).toEqual(['vulnerabilities', 'tests']);
  });

  it('never passes when a signal service reports a failure', async () => {
    const g = gates({
      evidence: complete(),
      approved: true,
      signals: [
        {
          rule: 'slo-budget',
          evaluate: async () => ({
            rule: 'slo-budget',
            status: 'fail',
            reason: 'checkout-availability has 3 % budget left, needs 10 %.',
          }),
        },
      ],
    });
    const v = await evaluate(g);
    expect(v.verdict).toBe('fail');
    expect(v.rules.find(r => r.rule === 'slo-budget')!.reason).toContain(
      '3 % budget left',
    );
  });

  it('uses the policy the annotation names, and explains an unknown one', async () => {
    const strictStaging = await evaluate(
      gates({ evidence: complete() }),
      'staging',
      'strict',
    );
    expect(strictStaging.rules.map(r => r.rule)).toContain('provenance');
    await expect(
      evaluate(gates({ evidence: [] }), 'production', 'lenient'),
    ).rejects.toThrow(
      "asks for compliance policy 'lenient' (annotation gantry.dev/compliance-policy), which has no rules for production. Known policies: default, strict.",
    );
    await expect(evaluate(gates({ evidence: [] }), 'qa')).rejects.toThrow(
      "Unknown environment 'qa'",
    );
  });
});
