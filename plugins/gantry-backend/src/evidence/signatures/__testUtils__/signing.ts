import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GITHUB_HOSTED = 'https://github.com/actions/runner/github-hosted';
export const IN_TOTO = 'application/vnd.in-toto+json';
/** The Sigstore bundle media types, one per version (v0.3 has two spellings). */
export const V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
export const V02 = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
export const V03_LEGACY =
  'application/vnd.dev.sigstore.bundle+json;version=0.3';
export const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface TestKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: string;
}

/** An ECDSA P-256 key pair, as `cosign generate-key-pair` makes. */
export function testKey(keyId: string): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
  });
  return {
    keyId,
    privateKey,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * An Ed25519 key pair derived from `seed` (cosign and DSSE signers use Ed25519 too). Its
 * signatures are deterministic, so what it signs is the same bytes on every run: the
 * fuzz seeds are made with it, keeping a FUZZ_SEED replay exact.
 */
export function fixedKey(keyId: string, seed = keyId): TestKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([
      // PKCS#8 PrivateKeyInfo header for an Ed25519 key (RFC 8410), then the 32-byte seed
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      createHash('sha256').update(seed).digest(),
    ]),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    keyId,
    privateKey,
    publicKey: createPublicKey(privateKey)
      .export({ type: 'spki', format: 'pem' })
      .toString(),
  };
}

export function slsaStatement(sha256: string, builderId = GITHUB_HOSTED) {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'ghcr.io/acme/checkout', digest: { sha256 } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main' } },
      },
      runDetails: { builder: { id: builderId } },
    },
  };
}

/** DSSE's pre-authentication encoding, written from the spec (not the code under test). */
export function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `,
      'utf8',
    ),
    body,
  ]);
}

const signed = (statement: object, key: TestKey) => {
  const payload = Buffer.from(JSON.stringify(statement));
  return {
    payload: payload.toString('base64'),
    sig: sign(
      key.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256',
      pae(IN_TOTO, payload),
      key.privateKey,
    ).toString('base64'),
  };
};

/** A DSSE envelope as `cosign attest --key` or in-toto tools write it. */
export function dsseEnvelope(statement: object, key: TestKey, keyid = '') {
  const { payload, sig } = signed(statement, key);
  return { payloadType: IN_TOTO, payload, signatures: [{ keyid, sig }] };
}

/** A Sigstore bundle (v0.3 unless told) signed with a public key (no transparency log entry). */
export function keyBundle(
  statement: object,
  key: TestKey,
  hint = key.keyId,
  mediaType = V03,
) {
  const { payload, sig } = signed(statement, key);
  return {
    mediaType,
    verificationMaterial: {
      publicKey: { hint },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: { payloadType: IN_TOTO, payload, signatures: [{ sig }] },
  };
}

/** The same signature over another statement: what an attacker who edits the payload gets. */
export function withPayload<T extends { payload: string }>(
  envelope: T,
  statement: object,
): T {
  return {
    ...envelope,
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
  };
}

export const bytesOf = (doc: object) => Buffer.from(JSON.stringify(doc));

export const parserFixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '../../parsers/__fixtures__', name));

/**
 * Sigstore's public-good TrustedRoot, read from the copy @sigstore/tuf ships as its TUF
 * seed (the `trusted_root.json` target, base64) and written to a temporary file, as an
 * operator writes the one fetched from the instance's TUF repository.
 */
export const PUBLIC_GOOD_ROOT = (() => {
  const seeds = JSON.parse(
    fs.readFileSync(require.resolve('@sigstore/tuf/seeds.json'), 'utf8'),
  );
  const target = seeds['https://tuf-repo-cdn.sigstore.dev'].targets[
    'trusted_root.json'
  ] as string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-trusted-root-'));
  const file = path.join(dir, 'trusted_root.json');
  fs.writeFileSync(file, Buffer.from(target, 'base64'));
  return file;
})();

export interface KeylessIdentity {
  subject: string;
  issuer: string;
}

/** A GitHub Actions release workflow, as Fulcio names it in the certificate. */
export const RELEASE_WORKFLOW: KeylessIdentity = {
  issuer: 'https://token.actions.githubusercontent.com',
  subject:
    'https://github.com/acme/checkout/.github/workflows/release.yml@refs/heads/main',
};

/** A person signing with `cosign attest` after a GitHub login. */
export const DEVELOPER: KeylessIdentity = {
  issuer: 'https://github.com/login/oauth',
  subject: 'dev@acme.example',
};
