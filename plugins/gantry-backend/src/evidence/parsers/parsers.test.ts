import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceFormat } from '@gantry/plugin-gantry-common';
import { parseEvidence } from '.';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name));
const parse = (format: EvidenceFormat, name: string) =>
  parseEvidence(format, fixture(name));

describe('evidence parsers', () => {
  describe('trivy', () => {
    it('counts by severity with fix availability and keeps findings most severe first', async () => {
      const s = await parse('trivy', 'trivy-v2.json');
      expect(s.vulnerabilities!.counts).toEqual({
        CRITICAL: { total: 1, fixable: 1 },
        HIGH: { total: 2, fixable: 1 },
        MEDIUM: { total: 1, fixable: 1 },
        LOW: { total: 1, fixable: 0 },
        UNKNOWN: { total: 0, fixable: 0 },
      });
      expect(s.vulnerabilities!.findings.map(f => f.id)).toEqual([
        'CVE-2024-3094',
        'GHSA-c2qf-rxjj-qqgw',
        'CVE-2023-4911',
        'CVE-2023-5678',
        'CVE-2022-0001',
      ]);
      expect(s.vulnerabilities!.findings[2]).toMatchObject({
        package: 'libc6',
        fixAvailable: false,
      });
      expect(s.headline).toBe(
        'Trivy: 1 critical (1 fixable), 2 high (1 fixable), 1 medium (1 fixable), 1 low',
      );
    });

    it('reads a clean report whose results have no Vulnerabilities', async () => {
      const s = await parse('trivy', 'trivy-clean.json');
      expect(s.headline).toBe('Trivy: no vulnerabilities');
      expect(s.vulnerabilities!.findings).toEqual([]);
    });

    it("reads Trivy's older bare-array shape", async () => {
      const s = await parse('trivy', 'trivy-legacy-array.json');
      expect(s.vulnerabilities!.counts.CRITICAL).toEqual({
        total: 1,
        fixable: 1,
      });
    });

    it('names the path of a finding without severity', async () => {
      await expect(
        parse('trivy', 'trivy-missing-severity.json'),
      ).rejects.toThrow(
        'Invalid trivy evidence at Results[0].Vulnerabilities[0].Severity: Required',
      );
    });

    it('rejects non-JSON with the format named', async () => {
      await expect(
        parseEvidence('trivy', Buffer.from('<html>')),
      ).rejects.toThrow(
        /^Invalid trivy evidence at \(document root\): not valid JSON/,
      );
    });

    it('rejects a report of another schema version', async () => {
      await expect(
        parseEvidence('trivy', Buffer.from('{"SchemaVersion":1}')),
      ).rejects.toThrow('Invalid trivy evidence at SchemaVersion: must be 2');
    });
  });

  describe('sarif', () => {
    it('uses rule default levels, skips suppressed and non-failing results, bands security-severity', async () => {
      const s = await parse('sarif', 'sarif-codeql.json');
      expect(s.codeScan).toEqual({
        tools: ['CodeQL'],
        secretScan: false,
        // sql-injection: rule default error; unused var: no level anywhere -> warning;
        // xss: suppressed (accepted); the kind=pass result does not count
        results: { error: 1, warning: 1, note: 0, none: 0 },
      });
      expect(s.vulnerabilities!.counts.HIGH).toEqual({ total: 1, fixable: 0 });
      expect(s.vulnerabilities!.counts.CRITICAL.total).toBe(0);
    });

    it('recognises a clean secret scan', async () => {
      const s = await parse('sarif', 'sarif-gitleaks-clean.json');
      expect(s.codeScan).toMatchObject({
        secretScan: true,
        results: { error: 0, warning: 0, note: 0, none: 0 },
      });
    });

    it('validates against the SARIF 2.1.0 schema and names the path', async () => {
      await expect(parse('sarif', 'sarif-no-runs.json')).rejects.toThrow(
        /^Invalid sarif evidence at \(document root\): must have required property 'runs'/,
      );
      await expect(parse('sarif', 'sarif-bad-level.json')).rejects.toThrow(
        /^Invalid sarif evidence at runs\[0\]\.results\[0\]\.level: must be equal to one of the allowed values/,
      );
    });

    it('refuses a security-severity that is not a score from 0 to 10, naming the rule', async () => {
      const log = (value: unknown) =>
        Buffer.from(
          JSON.stringify({
            version: '2.1.0',
            runs: [
              {
                tool: {
                  driver: {
                    name: 'CodeQL',
                    rules: [
                      { id: 'ok', properties: { 'security-severity': '9.1' } },
                      { id: 'bad', properties: { 'security-severity': value } },
                    ],
                  },
                },
                results: [{ ruleId: 'bad', message: { text: 'm' } }],
              },
            ],
          }),
        );
      for (const value of ['high', '', 12, { valueOf: 1, toString: 'x' }]) {
        await expect(parseEvidence('sarif', log(value))).rejects.toThrow(
          /^Invalid sarif evidence at runs\[0\]\.tool\.driver\.rules\[1\]\.properties\.security-severity: security-severity must be a number from 0\.0 to 10\.0/,
        );
      }
      const s = await parseEvidence('sarif', log(7));
      expect(s.vulnerabilities?.counts.HIGH).toEqual({ total: 1, fixable: 0 });
    });
  });

  describe('cyclonedx', () => {
    it('counts components and vulnerabilities, ignoring not_affected ones', async () => {
      const s = await parse('cyclonedx', 'cyclonedx-1.5.json');
      expect(s.sbom).toEqual({
        format: 'CycloneDX',
        specVersion: '1.5',
        components: 3,
      });
      expect(s.vulnerabilities!.findings).toEqual([
        {
          id: 'GHSA-c2qf-rxjj-qqgw',
          severity: 'HIGH',
          package: 'pkg:npm/semver@7.5.1',
          fixAvailable: true,
        },
      ]);
    });

    it('accepts 1.6', async () => {
      const s = await parse('cyclonedx', 'cyclonedx-1.6-minimal.json');
      expect(s.headline).toBe('CycloneDX 1.6 SBOM: 0 components');
    });

    it('validates against the CycloneDX schema with the path of the first error', async () => {
      await expect(
        parse('cyclonedx', 'cyclonedx-bad-component-type.json'),
      ).rejects.toThrow(
        /^Invalid cyclonedx evidence at components\[0\]\.type: /,
      );
    });

    it('names the versions it accepts', async () => {
      await expect(parse('cyclonedx', 'cyclonedx-1.2.json')).rejects.toThrow(
        'Invalid cyclonedx evidence at specVersion: is "1.2"; Gantry accepts CycloneDX 1.4, 1.5, 1.6, 1.7',
      );
    });
  });

  describe('spdx', () => {
    it('counts packages', async () => {
      const s = await parse('spdx', 'spdx-2.3.json');
      expect(s.sbom).toEqual({
        format: 'SPDX',
        specVersion: '2.3',
        components: 2,
      });
    });
    it('names a malformed SPDXID', async () => {
      await expect(parse('spdx', 'spdx-bad-spdxid.json')).rejects.toThrow(
        'Invalid spdx evidence at packages[0].SPDXID: must be "SPDXRef-" followed by letters, digits, "." or "-"',
      );
    });
    it('rejects SPDX 2.2', async () => {
      await expect(parse('spdx', 'spdx-2.2.json')).rejects.toThrow(
        'at spdxVersion: must be "SPDX-2.3"',
      );
    });
  });

  describe('junit', () => {
    it('recounts nested suites from test cases, ignoring the suite attributes', async () => {
      const s = await parse('junit', 'junit-nested.xml');
      expect(s.tests).toEqual({
        total: 6,
        passed: 3,
        failed: 2,
        skipped: 1,
        failures: [
          {
            suite: 'api',
            name: 'rejects an empty basket',
            message: 'expected 400, got 500',
          },
          { suite: 'api.payments', name: 'refunds', message: 'ECONNREFUSED' },
        ],
      });
    });
    it('accepts a <testsuite> root', async () => {
      const s = await parse('junit', 'junit-testsuite-root.xml');
      expect(s.tests).toMatchObject({ total: 2, passed: 2, failed: 0 });
    });
    it('names the line of malformed XML', async () => {
      await expect(parse('junit', 'junit-malformed.xml')).rejects.toThrow(
        /^Invalid junit evidence at line 1, column \d+: not well-formed XML/,
      );
    });
  });

  describe('in-toto', () => {
    it('reads SLSA provenance v1', async () => {
      const s = await parse('in-toto', 'slsa-provenance.json');
      expect(s.provenance).toEqual({
        predicateType: 'https://slsa.dev/provenance/v1',
        builderId: 'https://github.com/actions/runner/github-hosted',
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        subjects: [
          {
            name: 'ghcr.io/acme/checkout',
            sha256:
              '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
          },
        ],
      });
      expect(s.signature).toBeUndefined();
      expect(s.headline).toContain('(unsigned)');
    });
    it('unwraps a DSSE envelope, whose signature nothing checked, as unverified', async () => {
      const s = await parse('in-toto', 'slsa-provenance-dsse.json');
      expect(s.provenance).toMatchObject({
        builderId: 'https://github.com/actions/runner/github-hosted',
      });
      expect(s.signature).toMatchObject({
        status: 'unverified',
        envelope: 'dsse',
      });
      expect(s.headline).toContain('signature unverified');
      expect(s.headline).not.toMatch(/DSSE signed|(?<!un)verified/);
    });
    it('reads a test-result attestation', async () => {
      const s = await parse('in-toto', 'in-toto-test-result.json');
      expect(s.tests).toEqual({
        total: 3,
        passed: 2,
        failed: 1,
        skipped: 0,
        failures: [{ name: 'e2e/checkout-flow' }],
      });
    });
    it('names a missing builder id inside the predicate', async () => {
      await expect(parse('in-toto', 'slsa-no-builder.json')).rejects.toThrow(
        'Invalid in-toto evidence at predicate.runDetails.builder.id: Required',
      );
    });
    it('rejects a DSSE payload that is not base64 JSON', async () => {
      await expect(parse('in-toto', 'dsse-bad-payload.json')).rejects.toThrow(
        'Invalid in-toto evidence at payload: is not base64-encoded JSON',
      );
    });
  });

  describe('load-test and attestations', () => {
    it('reads both k6 summary shapes', async () => {
      expect((await parse('load-test', 'k6-summary.json')).loadTest).toEqual({
        requests: 120000,
        requestsPerSecond: 1999.8,
        errorRate: 0.0025,
        p95Ms: 120.4,
        p99Ms: 310.9,
      });
      expect(
        (await parse('load-test', 'k6-summary-export.json')).loadTest,
      ).toEqual({
        requests: 5000,
        requestsPerSecond: 83.3,
        errorRate: 0,
        p95Ms: 30.1,
      });
    });
    it('reads reviewer approvals and change tickets', async () => {
      expect(
        (await parse('attestation', 'attestation-pr-review.json')).attestation,
      ).toEqual({
        type: 'pull-request-review',
        by: ['user:default/bob'],
        url: 'https://github.com/acme/checkout/pull/812',
      });
      expect(
        (await parse('attestation', 'attestation-change-ticket.json')).headline,
      ).toBe('Change ticket CHG-20931');
    });
    it('refuses a pull request approved by its own author', async () => {
      await expect(
        parse('attestation', 'attestation-self-review.json'),
      ).rejects.toThrow(
        'Invalid attestation evidence at approvedBy: includes the author user:default/alice',
      );
    });
    it('names the accepted attestation types', async () => {
      await expect(
        parseEvidence('attestation', Buffer.from('{"type":"vibes"}')),
      ).rejects.toThrow(
        'at type: must be one of "pull-request-review", "change-ticket", "other"',
      );
    });
  });
});
