import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readComplianceConfig } from '../../kernel/config/complianceConfig';
import { parseInToto } from '../parsers/inToto';
import { SignatureVerifier } from './SignatureVerifier';
import { mockSigstore, type MockSigstore } from './__testUtils__/keyless';
import {
  DEVELOPER,
  GITHUB_HOSTED,
  PUBLIC_GOOD_ROOT,
  RELEASE_WORKFLOW,
  V01,
  V02,
  V03,
  V03_LEGACY,
  bytesOf,
  dsseEnvelope,
  fixedKey,
  keyBundle,
  parserFixture,
  slsaStatement,
  testKey,
  withPayload,
} from './__testUtils__/signing';

const DIGEST = 'ab'.repeat(32);
const ci = testKey('ci-2026');
const stranger = testKey('stranger');

function verifier(signatures: object) {
  return new SignatureVerifier(
    readComplianceConfig(
      new ConfigReader({ gantry: { compliance: { signatures } } }),
      ['staging', 'production'],
    ).signatures,
  );
}
const trustingCi = verifier({
  keys: [{ keyId: ci.keyId, publicKey: ci.publicKey }],
});
/** "verified" as a word of its own: "unverified" does not count. */
const SAYS_VERIFIED = /(?<!un)verified/i;

describe('DSSE envelopes', () => {
  const statement = slsaStatement(DIGEST);

  it('verifies a signature made by a configured key and names the key', () => {
    const s = parseInToto(bytesOf(dsseEnvelope(statement, ci)), trustingCi);
    expect(s.signature).toEqual({
      status: 'verified',
      envelope: 'dsse',
      signer: 'ci-2026',
      reason: 'DSSE signature verified with key ci-2026.',
    });
    expect(s.headline).toBe(
      `SLSA provenance v1 from ${GITHUB_HOSTED}, signed by ci-2026, verified`,
    );
    expect(s.provenance).toMatchObject({
      builderId: GITHUB_HOSTED,
      subjects: [{ sha256: DIGEST }],
    });
  });

  it('marks a signature by another key invalid, even when it names the trusted key id', () => {
    for (const keyid of ['', 'ci-2026', 'stranger']) {
      const s = parseInToto(
        bytesOf(dsseEnvelope(statement, stranger, keyid)),
        trustingCi,
      );
      expect(s.signature?.status).toBe('invalid');
      expect(s.signature?.signer).toBeUndefined();
      expect(s.headline).toContain('INVALID signature');
      expect(s.headline).not.toMatch(SAYS_VERIFIED);
    }
  });

  it('marks an altered payload invalid: the signature covers the original statement', () => {
    const forged = withPayload(
      dsseEnvelope(statement, ci),
      slsaStatement('cd'.repeat(32)),
    );
    const s = parseInToto(bytesOf(forged), trustingCi);
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.signature!.reason).toContain('payload was altered');
    // the summary still reads what was uploaded, so the gate can name it
    expect(s.provenance!.subjects[0].sha256).toBe('cd'.repeat(32));
  });

  it('never says "verified" for a signature nothing could check', () => {
    const s = parseInToto(bytesOf(dsseEnvelope(statement, ci, 'ci-2026')));
    expect(s.signature).toMatchObject({ status: 'unverified' });
    expect(s.signature!.signer).toBeUndefined();
    expect(s.signature!.reason).toContain('gantry.compliance.signatures.keys');
    expect(s.headline).toBe(
      `SLSA provenance v1 from ${GITHUB_HOSTED}, signature unverified`,
    );
    expect(JSON.stringify(s)).not.toMatch(/DSSE signed|(?<!un)verified/);
  });

  it('the repository fixture (a made-up signature) is unverified without trust, invalid with it', () => {
    const fixture = parserFixture('slsa-provenance-dsse.json');
    expect(parseInToto(fixture).signature?.status).toBe('unverified');
    expect(parseInToto(fixture, trustingCi).signature?.status).toBe('invalid');
  });

  it('records no signature for a plain statement or an envelope without signatures', () => {
    expect(parseInToto(bytesOf(statement), trustingCi)).not.toHaveProperty(
      'signature',
    );
    const bare = { ...dsseEnvelope(statement, ci), signatures: [] };
    const s = parseInToto(bytesOf(bare), trustingCi);
    expect(s).not.toHaveProperty('signature');
    expect(s.headline).toContain('(unsigned)');
  });
});

describe('Sigstore bundles signed with a key', () => {
  const statement = slsaStatement(DIGEST);

  it('accepts SLSA v1 provenance in a v0.3 bundle and verifies it with the configured key', () => {
    const s = parseInToto(bytesOf(keyBundle(statement, ci)), trustingCi);
    expect(s.signature).toMatchObject({
      status: 'verified',
      envelope: 'sigstore-bundle',
      signer: 'ci-2026',
    });
    expect(s.provenance).toMatchObject({
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: GITHUB_HOSTED,
      subjects: [{ name: 'ghcr.io/acme/checkout', sha256: DIGEST }],
    });
  });

  it('marks a bundle by an unknown key, or with an altered payload, invalid', () => {
    const foreign = parseInToto(
      bytesOf(keyBundle(statement, stranger)),
      trustingCi,
    );
    expect(foreign.signature).toMatchObject({ status: 'invalid' });
    expect(foreign.signature!.reason).toContain('key hint stranger');

    const bundle = keyBundle(statement, ci);
    const altered = {
      ...bundle,
      dsseEnvelope: withPayload(
        bundle.dsseEnvelope,
        slsaStatement('00'.repeat(32)),
      ),
    };
    const s = parseInToto(bytesOf(altered), trustingCi);
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.signature!.reason).toContain('signature verification failed');
  });

  it.each([V01, V02, V03_LEGACY, V03])(
    'verifies a %s bundle signed with a configured key (Ed25519 too)',
    mediaType => {
      for (const key of [ci, fixedKey('ci-2026')]) {
        const trust = verifier({
          keys: [{ keyId: key.keyId, publicKey: key.publicKey }],
        });
        const bundle = keyBundle(statement, key, key.keyId, mediaType);
        expect(parseInToto(bytesOf(bundle), trust).signature).toMatchObject({
          status: 'verified',
          envelope: 'sigstore-bundle',
          signer: 'ci-2026',
        });
        const altered = {
          ...bundle,
          dsseEnvelope: withPayload(
            bundle.dsseEnvelope,
            slsaStatement('00'.repeat(32)),
          ),
        };
        expect(parseInToto(bytesOf(altered), trust).signature?.status).toBe(
          'invalid',
        );
      }
    },
  );

  it('is unverified, not verified, when no keys are configured', () => {
    const s = parseInToto(bytesOf(keyBundle(statement, ci)));
    expect(s.signature?.status).toBe('unverified');
    expect(s.headline).not.toMatch(SAYS_VERIFIED);
  });
});

describe('keyless Sigstore bundles (made by a mock Sigstore instance, checked offline against its root)', () => {
  let sigstore: MockSigstore;
  /** SLSA provenance of a release, signed keylessly by its workflow (as npm publishes it). */
  let provenance: Buffer;
  const keyless = (signer: object) =>
    verifier({ keyless: [signer], trustedRoot: sigstore.trustedRoot });

  beforeAll(async () => {
    sigstore = await mockSigstore();
    provenance = bytesOf(
      await sigstore.bundle(slsaStatement(DIGEST), RELEASE_WORKFLOW, V02),
    );
  });

  it('verifies certificate, SCT, Rekor entry, identity and issuer of the workflow that signed', () => {
    const s = parseInToto(provenance, keyless(RELEASE_WORKFLOW));
    expect(s.signature).toMatchObject({
      status: 'verified',
      envelope: 'sigstore-bundle',
      signer: RELEASE_WORKFLOW.subject,
      issuer: RELEASE_WORKFLOW.issuer,
    });
    expect(s.provenance).toMatchObject({
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: GITHUB_HOSTED,
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      subjects: [{ name: 'ghcr.io/acme/checkout', sha256: DIGEST }],
    });
    expect(s.headline).toBe(
      `SLSA provenance v1 from ${GITHUB_HOSTED}, signed by ${RELEASE_WORKFLOW.subject}, verified`,
    );
  });

  it('matches subjectRegExp against the whole identity', () => {
    const repo = keyless({
      issuer: RELEASE_WORKFLOW.issuer,
      subjectRegExp: 'https://github\\.com/acme/checkout/.+',
    });
    expect(parseInToto(provenance, repo).signature?.status).toBe('verified');
    const partial = keyless({
      issuer: RELEASE_WORKFLOW.issuer,
      subjectRegExp: 'acme/checkout',
    });
    expect(parseInToto(provenance, partial).signature?.status).toBe('invalid');
  });

  it('marks a genuine signature by an identity that is not configured invalid', () => {
    for (const signer of [
      {
        ...RELEASE_WORKFLOW,
        subject:
          'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
      },
      { ...RELEASE_WORKFLOW, issuer: 'https://accounts.google.com' },
    ]) {
      const s = parseInToto(provenance, keyless(signer));
      expect(s.signature).toMatchObject({ status: 'invalid' });
      expect(s.signature!.reason).toContain(
        `Signed by ${RELEASE_WORKFLOW.subject} (issuer ${RELEASE_WORKFLOW.issuer}), which matches no entry`,
      );
    }
  });

  it('marks an altered payload invalid even though certificate and log entry are genuine', () => {
    const bundle = JSON.parse(provenance.toString('utf8'));
    const statement = JSON.parse(
      Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'),
    );
    statement.predicate.runDetails.builder.id = 'https://evil.example/builder';
    bundle.dsseEnvelope.payload = Buffer.from(
      JSON.stringify(statement),
    ).toString('base64');
    const s = parseInToto(bytesOf(bundle), keyless(RELEASE_WORKFLOW));
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.headline).toContain('INVALID signature');
  });

  it('marks a certificate from another Sigstore instance invalid, whatever identity it names', async () => {
    const elsewhere = await mockSigstore();
    const foreign = bytesOf(
      await elsewhere.bundle(slsaStatement(DIGEST), RELEASE_WORKFLOW),
    );
    const s = parseInToto(foreign, keyless(RELEASE_WORKFLOW));
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.signature!.reason).toContain(
      `certificate for ${RELEASE_WORKFLOW.subject}) does not verify against the trusted root`,
    );
    expect(s.headline).not.toMatch(SAYS_VERIFIED);
  });

  it('marks a bundle whose transparency-log entry was altered invalid', () => {
    const bundle = JSON.parse(provenance.toString('utf8'));
    const [entry] = bundle.verificationMaterial.tlogEntries;
    const body = JSON.parse(
      Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8'),
    );
    body.spec.payloadHash.value = 'ef'.repeat(32);
    entry.canonicalizedBody = Buffer.from(JSON.stringify(body)).toString(
      'base64',
    );
    const s = parseInToto(bytesOf(bundle), keyless(RELEASE_WORKFLOW));
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.signature!.reason).toContain(
      'does not verify against the trusted root',
    );
  });

  it('is unverified without keyless trust, and names the identity only as a claim', () => {
    const s = parseInToto(provenance, trustingCi);
    expect(s.signature).toMatchObject({ status: 'unverified' });
    expect(s.signature!.signer).toBeUndefined();
    expect(s.signature!.reason).toContain(
      `certificate for ${RELEASE_WORKFLOW.subject}`,
    );
  });

  it.each([
    [V01, 'application/vnd.dev.sigstore.bundle+json;version=0.1'],
    [V02, 'application/vnd.dev.sigstore.bundle+json;version=0.2'],
    [V03_LEGACY, 'application/vnd.dev.sigstore.bundle+json;version=0.3'],
    [V03, 'application/vnd.dev.sigstore.bundle.v0.3+json'],
  ])('reads and verifies a %s bundle', async (mediaType, spelled) => {
    expect(mediaType).toBe(spelled);
    const trust = verifier({
      keyless: [RELEASE_WORKFLOW, DEVELOPER],
      trustedRoot: sigstore.trustedRoot,
    });
    for (const identity of [RELEASE_WORKFLOW, DEVELOPER]) {
      const bundle = await sigstore.bundle(
        slsaStatement(DIGEST),
        identity,
        mediaType,
      );
      expect(bundle.mediaType).toBe(mediaType);
      expect(parseInToto(bytesOf(bundle), trust).signature).toMatchObject({
        status: 'verified',
        signer: identity.subject,
        issuer: identity.issuer,
      });
      // and the same bundle carrying another statement than the one signed is not
      const tampered = {
        ...bundle,
        dsseEnvelope: withPayload(
          bundle.dsseEnvelope,
          slsaStatement('ef'.repeat(32)),
        ),
      };
      expect(parseInToto(bytesOf(tampered), trust).signature?.status).toBe(
        'invalid',
      );
    }
  });
});

describe('configuration', () => {
  let sigstore: MockSigstore;
  let provenance: Buffer;
  beforeAll(async () => {
    sigstore = await mockSigstore();
    provenance = bytesOf(
      await sigstore.bundle(slsaStatement(DIGEST), RELEASE_WORKFLOW),
    );
  });

  it('refuses a public key that is not PEM, naming the entry', () => {
    expect(() =>
      verifier({ keys: [{ keyId: 'ci', publicKey: 'not a key' }] }),
    ).toThrow(
      'gantry.compliance.signatures.keys[0].publicKey (ci) is not a PEM public key',
    );
  });

  it('refuses a trusted root that is not Sigstore TrustedRoot JSON', () => {
    expect(() =>
      verifier({
        keyless: [RELEASE_WORKFLOW],
        trustedRoot: JSON.stringify({ mediaType: 'x', tlogs: [] }),
      }),
    ).toThrow(
      'gantry.compliance.signatures.trustedRoot is not a Sigstore TrustedRoot JSON',
    );
  });

  it('reads the trusted root inline as well as from a file', () => {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-root-')),
      'trusted_root.json',
    );
    fs.writeFileSync(file, sigstore.trustedRoot);
    for (const root of [
      { trustedRoot: sigstore.trustedRoot },
      { trustedRootFile: file },
    ]) {
      const trust = verifier({ keyless: [RELEASE_WORKFLOW], ...root });
      expect(parseInToto(provenance, trust).signature?.status).toBe('verified');
    }
  });

  it("reads Sigstore's public-good trusted_root.json, which does not vouch for another instance's certificates", () => {
    const publicGood = verifier({
      keyless: [RELEASE_WORKFLOW],
      trustedRootFile: PUBLIC_GOOD_ROOT,
    });
    const s = parseInToto(provenance, publicGood);
    expect(s.signature).toMatchObject({ status: 'invalid' });
    expect(s.signature!.reason).toContain(
      'does not verify against the trusted root',
    );
  });
});
