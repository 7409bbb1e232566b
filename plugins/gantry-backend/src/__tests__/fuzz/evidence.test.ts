import { mockCredentials } from '@backstage/backend-test-utils';
import {
  EVIDENCE_FORMATS,
  type EvidenceFormat,
} from '@gantry/plugin-gantry-common';
import fc from 'fast-check';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { EvidenceFormatError, parseEvidence } from '../../evidence/parsers';
import { SignatureVerifier } from '../../evidence/signatures/SignatureVerifier';
import {
  PUBLIC_GOOD_ROOT,
  RELEASE_WORKFLOW,
  V02,
  V03,
  dsseEnvelope,
  fixedKey,
  keyBundle,
  slsaStatement,
} from '../../evidence/signatures/__testUtils__/signing';
import { bodyBytesOf, textMutationOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';
import { unexpectedThrow } from './__testUtils__/thrown';

jest.setTimeout(180_000);
const databases = createTestDatabases();
/**
 * Signed documents made here rather than copied from elsewhere: signed with a key derived
 * from a fixed seed (Ed25519, whose signatures are deterministic), so they are the same
 * bytes on every run and a FUZZ_SEED replays exactly the cases it did.
 */
const CI_KEY = fixedKey('fuzz-ci');
const GENERATED: Record<string, string> = {
  'bundle-v0.2-key.json': JSON.stringify(
    keyBundle(slsaStatement('ab'.repeat(32)), CI_KEY, CI_KEY.keyId, V02),
  ),
  'bundle-v0.3-key.json': JSON.stringify(
    keyBundle(slsaStatement('cd'.repeat(32)), CI_KEY, '', V03),
  ),
  'dsse-key.json': JSON.stringify(
    dsseEnvelope(slsaStatement('ef'.repeat(32)), CI_KEY, CI_KEY.keyId),
  ),
};

const fixture = (name: string) =>
  GENERATED[name] ??
  fs.readFileSync(
    path.join(
      __dirname,
      '..',
      '..',
      'evidence',
      'parsers',
      '__fixtures__',
      name,
    ),
    'utf8',
  );

/** Valid documents of each format: the seeds the mutations start from. */
const SEEDS: Record<EvidenceFormat, string[]> = {
  trivy: [
    'trivy-v2.json',
    'trivy-clean.json',
    'trivy-legacy-array.json',
    'trivy-secrets-misconfig.json',
  ],
  sarif: [
    'sarif-codeql.json',
    'sarif-gitleaks-finding.json',
    'sarif-codeql-extensions.json',
  ],
  cyclonedx: [
    'cyclonedx-1.2.json',
    'cyclonedx-1.5.json',
    'cyclonedx-1.7-nested.json',
    'cyclonedx-vex.json',
  ],
  spdx: ['spdx-2.2.json', 'spdx-2.3.json'],
  junit: ['junit-testsuite-root.xml', 'junit-nested.xml'],
  'in-toto': [
    'slsa-provenance-dsse.json',
    'slsa-provenance.json',
    'in-toto-test-result.json',
    ...Object.keys(GENERATED),
  ],
  'load-test': ['k6-summary.json', 'k6-summary-export.json'],
  attestation: ['attestation-change-ticket.json', 'attestation-pr-review.json'],
  migration: [
    'migration-expand-only.json',
    'migration-destructive.json',
    'migration-contract.json',
  ],
  'dr-drill': ['dr-drill.json'],
  dpia: ['dpia.json'],
  'chaos-drill': ['chaos-drill.json', 'chaos-drill-chaos-mesh.json'],
};

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function inputsOf(format: EvidenceFormat): fc.Arbitrary<Buffer> {
  const texts = SEEDS[format].map(fixture);
  const bodies =
    format === 'junit'
      ? fc
          .oneof(
            { weight: 8, arbitrary: fc.oneof(...texts.map(textMutationOf)) },
            { weight: 1, arbitrary: fc.string() },
            { weight: 1, arbitrary: fc.constantFrom(...texts) },
          )
          .map(t => Buffer.from(t))
      : bodyBytesOf(texts.map(t => JSON.parse(t)));
  // Windows tools write a byte order mark in front of the same documents.
  return fc
    .tuple(bodies, fc.integer({ min: 0, max: 9 }))
    .map(([b, n]) => (n === 0 ? Buffer.concat([UTF8_BOM, b]) : b));
}

/** Inputs this test found that crashed a parser (500s before the fix); always tried first. */
const REGRESSIONS: Partial<Record<EvidenceFormat, string[]>> = {
  cyclonedx: [
    '{"bomFormat":"CycloneDX","specVersion":"__proto__","version":1}',
    '{"bomFormat":"CycloneDX","specVersion":{"toString":"x"},"version":1}',
  ],
  sarif: [
    '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"a","properties":{"valueOf":1}},{"id":"b","properties":{"valueOf":1}}]}},"results":[]}]}',
    '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"a","properties":{"security-severity":{"toString":"x","valueOf":1}}}]}},"results":[{"ruleId":"a","message":{"text":"m"}}]}]}',
  ],
  junit: ['<?<ver1.0"?>\n<testsuite name="unit"></testsuite>'],
  'load-test': [
    '{"metrics":{"http_reqs":{"count":1},"http_req_duration":{"p(95)":null},"http_req_failed":{"value":0}}}',
  ],
};

/**
 * Signatures are checked too, so mutated signatures, hints and verification material reach
 * the verifier (the seeds' key is trusted; keyless trust is the public-good root, which
 * @sigstore/tuf ships).
 */
const verifying = {
  signatures: new SignatureVerifier({
    keys: [{ keyId: CI_KEY.keyId, publicKey: CI_KEY.publicKey }],
    keyless: [RELEASE_WORKFLOW],
    trustedRoot: {
      json: fs.readFileSync(PUBLIC_GOOD_ROOT, 'utf8'),
      source: 'test',
    },
    required: true,
    byPolicy: {},
  }),
};

const PARSER_RUNS = 10_000;
const HTTP_RUNS = 1_000;

describe('evidence parsers', () => {
  it('starts from generated signed seeds that verify, the same bytes on every run', async () => {
    for (const text of Object.values(GENERATED)) {
      const summary = await parseEvidence(
        'in-toto',
        Buffer.from(text),
        verifying,
      );
      expect(summary).toMatchObject({
        signature: { status: 'verified', signer: CI_KEY.keyId },
      });
    }
    expect(fixedKey('fuzz-ci').publicKey).toBe(CI_KEY.publicKey);
    expect(
      JSON.stringify(
        keyBundle(
          slsaStatement('ab'.repeat(32)),
          fixedKey('fuzz-ci'),
          'fuzz-ci',
          V02,
        ),
      ),
    ).toBe(GENERATED['bundle-v0.2-key.json']);
  });

  it.each(Object.keys(SEEDS) as EvidenceFormat[])(
    `throw only EvidenceFormatError with a message (%s, ${PARSER_RUNS} cases)`,
    async format => {
      await fc.assert(
        fc.asyncProperty(inputsOf(format), async bytes => {
          expect(
            await unexpectedThrow(
              () => parseEvidence(format, bytes, verifying),
              EvidenceFormatError,
            ),
          ).toBeUndefined();
        }),
        {
          numRuns: PARSER_RUNS,
          examples: (REGRESSIONS[format] ?? []).map(t => [Buffer.from(t)]),
        },
      );
    },
  );
});

// Every upload goes through the same parsers as above; over HTTP fewer cases keep CI fast.
describe('evidence upload endpoint', () => {
  let server: Server;
  let rows: (tables: string[]) => Promise<Record<string, number>>;
  const TABLES = [
    'gantry_releases',
    'gantry_evidence',
    'gantry_evidence_vulnerabilities',
    'gantry_audit_log',
  ];

  beforeAll(async () => {
    ({ server, rows } = await startFuzzBackend(databases));
  });

  it(`answers ${HTTP_RUNS} fuzzed uploads with 2xx or a 4xx message, never 5xx, and stores nothing it rejects`, async () => {
    const upload = fc.record({
      format: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...EVIDENCE_FORMATS) },
        {
          weight: 1,
          // '', '.' and '..' would address another route, not a format
          arbitrary: fc
            .string({ minLength: 1, maxLength: 12 })
            .filter(f => f !== '.' && f !== '..'),
        },
      ),
      version: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom('1.0.0', '2.0.0-rc.1') },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
      ),
      commit: fc.constantFrom('a'.repeat(40), 'b'.repeat(40), 'nope', ''),
    });
    const bodies = fc.oneof(
      ...EVIDENCE_FORMATS.map(f => inputsOf(f as EvidenceFormat)),
    );
    const verdicts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(upload, bodies, async (u, bytes) => {
        const before = await rows(TABLES);
        const res = await request(server)
          .post(
            `/api/gantry/entities/default/component/checkout/releases/${encodeURIComponent(
              u.version,
            )}/evidence/${encodeURIComponent(u.format)}?commit=${u.commit}`,
          )
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', 'application/octet-stream')
          .send(bytes);
        const verdict = verdictOf(res);
        verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
        expect(['accepted', 'rejected']).toContain(verdict);
        // Rejected input leaves no rows behind.
        const after = verdict === 'accepted' ? before : await rows(TABLES);
        expect(after).toEqual(before);
      }),
      { numRuns: HTTP_RUNS },
    );
    // Valid input was stored, not only rejected.
    expect(verdicts.get('accepted')).toBeGreaterThan(0);
  });
});
