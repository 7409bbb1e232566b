import type {
  EvidenceRecord,
  SignatureReport,
} from '@gantry/plugin-gantry-common';
import { provenanceRule } from './provenance';

const HEX = 'ab'.repeat(32);
const DIGEST = `sha256:${HEX}`;
const GITHUB = 'https://github.com/actions/runner/github-hosted';

let n = 0;
const provenance = (
  signature?: SignatureReport,
  opts: { builderId?: string; sha256?: string } = {},
): EvidenceRecord => ({
  id: `prov-${++n}`,
  entityRef: 'component:default/checkout',
  version: '1.0.0',
  format: 'in-toto',
  sha256: '0'.repeat(64),
  sizeBytes: 1,
  uploadedBy: 'service:ci',
  uploadedAt: '2026-12-01T00:00:00Z',
  summary: {
    headline: 'SLSA provenance',
    provenance: {
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: opts.builderId ?? GITHUB,
      subjects: [{ name: 'img', sha256: opts.sha256 ?? HEX }],
    },
    ...(signature ? { signature } : {}),
  },
});
const verified: SignatureReport = {
  status: 'verified',
  envelope: 'sigstore-bundle',
  signer: 'ci-2026',
  reason: 'Bundle signature verified with key ci-2026.',
};
const unverified: SignatureReport = {
  status: 'unverified',
  envelope: 'dsse',
  reason: 'DSSE signature not checked: no public keys.',
};
const invalid: SignatureReport = {
  status: 'invalid',
  envelope: 'dsse',
  reason:
    'No DSSE signature verifies with a key in gantry.compliance.signatures.keys.',
};
const settings = (
  over: Partial<Parameters<typeof provenanceRule>[1]> = {},
) => ({
  trustedBuilders: [GITHUB],
  requireSignature: false,
  imageDigest: DIGEST,
  ...over,
});

describe('the provenance rule', () => {
  it('fails when no builder is trusted, saying which setting to configure (it used to trust every builder)', () => {
    const r = provenanceRule(
      [provenance(verified)],
      settings({ trustedBuilders: [] }),
    );
    expect(r).toEqual({
      rule: 'provenance',
      status: 'fail',
      reason: `No builder is trusted: set gantry.compliance.trustedBuilders to the SLSA builder.id values you accept (this release's provenance comes from ${GITHUB}).`,
    });
  });

  it('fails on provenance from a builder that is not trusted', () => {
    const r = provenanceRule(
      [provenance(verified, { builderId: 'https://evil.example' })],
      settings(),
    );
    expect(r.status).toBe('fail');
    expect(r.reason).toContain('not a trusted builder');
  });

  describe('when the policy requires signatures', () => {
    const required = settings({ requireSignature: true });

    it('passes verified provenance of the deployed image and names the signer', () => {
      expect(provenanceRule([provenance(verified)], required)).toEqual({
        rule: 'provenance',
        status: 'pass',
        reason: `Provenance from ${GITHUB} covers image ${DIGEST}, signed by ci-2026, verified.`,
      });
    });

    it.each([
      ['an unsigned statement', undefined, 'unsigned'],
      [
        'an unverified signature',
        unverified,
        'unverified (DSSE signature not checked',
      ],
    ])('fails %s', (_, signature, shown) => {
      const r = provenanceRule([provenance(signature)], required);
      expect(r.status).toBe('fail');
      expect(r.reason).toContain(
        'The policy requires provenance signed by a trusted signer (gantry.compliance.signatures)',
      );
      expect(r.reason).toContain(shown);
    });

    it('does not let unverified provenance of the image ride on verified provenance of another', () => {
      const r = provenanceRule(
        [
          provenance(verified, { sha256: 'cd'.repeat(32) }),
          provenance(unverified),
        ],
        required,
      );
      expect(r).toMatchObject({
        status: 'fail',
        reason: `No verified provenance subject has the deployed image digest ${DIGEST}.`,
      });
    });
  });

  it('fails on an invalid signature even when the policy does not require signatures', () => {
    const bad = provenance(invalid);
    const r = provenanceRule([provenance(verified), bad], settings());
    expect(r.status).toBe('fail');
    expect(r.reason).toBe(
      `Provenance ${bad.id} has an invalid signature: ${invalid.reason}`,
    );
  });

  it('without a signature requirement passes unverified provenance and says it is unverified', () => {
    const r = provenanceRule([provenance(unverified)], settings());
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('signature unverified');
    expect(r.reason).not.toMatch(/(?<!un)verified/);
  });
});
