import fs from 'node:fs';
import path from 'node:path';
import { parseEvidence, parseUpload } from '.';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A Trivy image report with these findings. */
const trivy = (
  vulns: Array<{ id: string; severity: string; fixed?: string }>,
) =>
  Buffer.from(
    JSON.stringify({
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
    }),
  );

describe('every finding reaches the gates, not only the 200 in the summary', () => {
  it('returns all 201 findings of a report whose summary keeps 200', async () => {
    const report = trivy([
      ...Array.from({ length: 200 }, (_, i) => ({
        id: `CVE-2026-${String(i).padStart(5, '0')}`,
        severity: 'CRITICAL',
      })),
      { id: 'CVE-2026-99999', severity: 'HIGH', fixed: '1.1' },
    ]);
    const { summary, vulnerabilities } = await parseUpload('trivy', report);
    expect(summary.vulnerabilities!.findings).toHaveLength(200);
    expect(
      summary.vulnerabilities!.findings.some(f => f.id === 'CVE-2026-99999'),
    ).toBe(false);
    expect(summary.headline).toBe('Trivy: 200 critical, 1 high (1 fixable)');
    expect(vulnerabilities).toHaveLength(201);
    expect(vulnerabilities).toContainEqual({
      id: 'CVE-2026-99999',
      severity: 'HIGH',
      fixable: true,
    });
  });

  it('refuses an id with a NUL character, which PostgreSQL cannot store', async () => {
    await expect(
      parseUpload('trivy', trivy([{ id: 'CVE-1\u0000', severity: 'HIGH' }])),
    ).rejects.toThrow(
      'Invalid trivy evidence at vulnerability "CVE-1\\u0000": the id contains a NUL character',
    );
  });

  it('keeps one row per id, severity and fix, so a CVE in many packages is one row', async () => {
    const { vulnerabilities } = await parseUpload(
      'trivy',
      trivy([
        { id: 'CVE-1', severity: 'HIGH', fixed: '2' },
        { id: 'CVE-1', severity: 'HIGH', fixed: '3' },
        { id: 'CVE-1', severity: 'HIGH' },
      ]),
    );
    expect(vulnerabilities).toEqual([
      { id: 'CVE-1', severity: 'HIGH', fixable: true },
      { id: 'CVE-1', severity: 'HIGH', fixable: false },
    ]);
  });
});

describe('SARIF security-severity', () => {
  it('finds rules in tool.extensions (CodeQL packs) and skips absent and suppressed results', async () => {
    const { summary, vulnerabilities } = await parseUpload(
      'sarif',
      fixture('sarif-codeql-extensions.json'),
    );
    // js/path-injection is baselineState absent (fixed since the baseline),
    // js/log-injection has an accepted suppression: neither is open
    expect(vulnerabilities).toEqual([
      {
        id: 'js/code-injection',
        severity: 'CRITICAL',
        fixable: false,
        score: 9.8,
      },
    ]);
    expect(summary.codeScan!.results).toEqual({
      error: 1,
      warning: 0,
      note: 0,
      none: 0,
    });
  });

  it('counts a result whose baseline state is new, unchanged or updated', async () => {
    const log = JSON.parse(
      fixture('sarif-codeql-extensions.json').toString('utf8'),
    );
    for (const r of log.runs[0].results) {
      delete r.suppressions;
      r.baselineState = 'unchanged';
    }
    const { vulnerabilities } = await parseUpload(
      'sarif',
      Buffer.from(JSON.stringify(log)),
    );
    expect(vulnerabilities.map(v => v.id).sort()).toEqual([
      'js/code-injection',
      'js/log-injection',
      'js/path-injection',
    ]);
  });

  it('refuses a bad score on an extension rule, naming where it is', async () => {
    const log = JSON.parse(
      fixture('sarif-codeql-extensions.json').toString('utf8'),
    );
    log.runs[0].tool.extensions[0].rules[1].properties['security-severity'] =
      'high';
    await expect(
      parseUpload('sarif', Buffer.from(JSON.stringify(log))),
    ).rejects.toThrow(
      /^Invalid sarif evidence at runs\[0\]\.tool\.extensions\[0\]\.rules\[1\]\.properties\.security-severity/,
    );
  });
});

describe('CycloneDX', () => {
  it('reads 1.7, counts nested components and leaves out analysed-away vulnerabilities', async () => {
    const { summary, vulnerabilities } = await parseUpload(
      'cyclonedx',
      fixture('cyclonedx-1.7-nested.json'),
    );
    // debian, the package-lock application, express, body-parser (inside express), semver
    expect(summary.sbom).toEqual({
      format: 'CycloneDX',
      specVersion: '1.7',
      components: 5,
    });
    // resolved and false_positive are not open; in_triage is; the worst rating counts
    expect(vulnerabilities).toEqual([
      { id: 'GHSA-c2qf-rxjj-qqgw', severity: 'HIGH', fixable: true },
      { id: 'CVE-2025-0001', severity: 'CRITICAL', fixable: false },
    ]);
  });

  it('marks a VEX-only document (no components) as such', async () => {
    const s = await parseEvidence('cyclonedx', fixture('cyclonedx-vex.json'));
    expect(s.sbom).toEqual({
      format: 'CycloneDX',
      specVersion: '1.6',
      components: 0,
      vexOnly: true,
    });
    expect(s.vulnerabilities).toBeUndefined();
    expect(s.headline).toBe('CycloneDX 1.6 VEX: 0 components');
  });
});

describe('Trivy secrets and misconfigurations', () => {
  it('summarises them apart, failed checks only, without the matched text', async () => {
    const { summary } = await parseUpload(
      'trivy',
      fixture('trivy-secrets-misconfig.json'),
    );
    expect(summary.secrets).toEqual({
      tool: 'Trivy',
      total: 1,
      counts: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
      findings: [
        {
          ruleId: 'aws-access-key-id',
          severity: 'CRITICAL',
          target: '/app/deploy.sh',
          title: 'AWS Access Key ID',
          line: 4,
        },
      ],
    });
    expect(summary.misconfigurations).toEqual({
      failures: 2,
      counts: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 1, UNKNOWN: 0 },
      findings: [
        {
          id: 'DS002',
          severity: 'HIGH',
          target: 'Dockerfile',
          title: "Image user should not be 'root'",
        },
        {
          id: 'DS026',
          severity: 'LOW',
          target: 'Dockerfile',
          title: 'No HEALTHCHECK defined',
        },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain('AWS_ACCESS_KEY_ID');
    expect(summary.headline).toBe(
      'Trivy: no vulnerabilities; 1 secret; 2 failed configuration checks',
    );
  });

  it('does not call a secret-only or config-only report a clean vulnerability scan', async () => {
    const report = JSON.parse(
      fixture('trivy-secrets-misconfig.json').toString('utf8'),
    );
    report.Results = report.Results.filter(
      (r: { Class: string }) => r.Class !== 'os-pkgs',
    );
    const s = await parseEvidence('trivy', Buffer.from(JSON.stringify(report)));
    expect(s.vulnerabilities).toBeUndefined();
    expect(s.headline).toMatch(/^Trivy: no package scan; 1 secret/);
  });

  it('shows no secret scan when the report has no secret results', async () => {
    const s = await parseEvidence('trivy', fixture('trivy-clean.json'));
    expect(s.secrets).toBeUndefined();
    expect(s.misconfigurations).toBeUndefined();
  });
});

describe('a UTF-8 byte order mark', () => {
  const SEEDS = {
    trivy: 'trivy-v2.json',
    sarif: 'sarif-codeql.json',
    cyclonedx: 'cyclonedx-1.5.json',
    spdx: 'spdx-2.3.json',
    junit: 'junit-nested.xml',
  } as const;

  it.each(Object.keys(SEEDS) as Array<keyof typeof SEEDS>)(
    'is stripped before a %s document is parsed',
    async format => {
      const plain = fixture(SEEDS[format]);
      expect(plain.subarray(0, 3).equals(BOM)).toBe(false);
      expect(await parseEvidence(format, Buffer.concat([BOM, plain]))).toEqual(
        await parseEvidence(format, plain),
      );
    },
  );
});
