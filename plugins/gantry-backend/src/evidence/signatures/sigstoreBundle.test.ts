import { parseInToto } from '../parsers/inToto';
import {
  IN_TOTO,
  V02,
  V03,
  bytesOf,
  RELEASE_WORKFLOW,
  keyBundle,
  slsaStatement,
  testKey,
} from './__testUtils__/signing';
import { mockSigstore } from './__testUtils__/keyless';

const key = testKey('ci');
const bundle = keyBundle(slsaStatement('ab'.repeat(32)), key);

describe('what an in-toto upload may be', () => {
  it('names the three accepted shapes for a document that is none of them (not "_type must be")', () => {
    expect(() => parseInToto(bytesOf({ predicateType: 'x' }))).toThrow(
      'Invalid in-toto evidence at (document root): is not an in-toto Statement (no _type), a DSSE envelope (no payloadType) or a Sigstore bundle (no mediaType application/vnd.dev.sigstore.bundle…)',
    );
    expect(() => parseInToto(bytesOf([1]))).toThrow('must be a JSON object');
  });

  it('still names _type for a statement of another type', () => {
    expect(() =>
      parseInToto(bytesOf({ ...slsaStatement('ab'), _type: 'x' })),
    ).toThrow('at _type: must be "https://in-toto.io/Statement/v1"');
  });

  it('refuses an unknown bundle media type, listing the ones read', () => {
    expect(() =>
      parseInToto(
        bytesOf({
          ...bundle,
          mediaType: 'application/vnd.dev.sigstore.bundle.v0.9+json',
        }),
      ),
    ).toThrow(
      'Invalid in-toto evidence at mediaType: is "application/vnd.dev.sigstore.bundle.v0.9+json"; Gantry reads Sigstore bundles application/vnd.dev.sigstore.bundle+json;version=0.1',
    );
  });

  it('names the missing part of a malformed bundle', () => {
    const { verificationMaterial: _, ...noMaterial } = bundle;
    expect(() => parseInToto(bytesOf(noMaterial))).toThrow(
      'Invalid in-toto evidence at verificationMaterial: is missing or malformed',
    );
    const twoSignatures = {
      ...bundle,
      dsseEnvelope: {
        ...bundle.dsseEnvelope,
        signatures: [
          ...bundle.dsseEnvelope.signatures,
          ...bundle.dsseEnvelope.signatures,
        ],
      },
    };
    expect(() => parseInToto(bytesOf(twoSignatures))).toThrow(
      'at content.dsseEnvelope.signatures: is missing or malformed',
    );
  });

  it('refuses a bundle that signs a file instead of carrying an attestation', () => {
    const { dsseEnvelope: _, ...rest } = bundle;
    const blob = {
      ...rest,
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: 'q83vEjRWeJA=' },
        signature: 'MEUCIQ==',
      },
    };
    expect(() => parseInToto(bytesOf(blob))).toThrow(
      'at messageSignature: signs a file, not an attestation (cosign sign-blob)',
    );
  });

  it('refuses a bundle whose DSSE payload is not an in-toto statement', () => {
    const other = {
      ...bundle,
      mediaType: V03,
      dsseEnvelope: { ...bundle.dsseEnvelope, payloadType: 'text/plain' },
    };
    expect(() => parseInToto(bytesOf(other))).toThrow(
      `at dsseEnvelope.payloadType: is "text/plain"; the bundle must carry an in-toto statement ("${IN_TOTO}")`,
    );
  });

  it('points into the bundle payload for a problem in the statement', () => {
    const noBuilder = slsaStatement('ab'.repeat(32)) as any;
    delete noBuilder.predicate.runDetails;
    expect(() => parseInToto(bytesOf(keyBundle(noBuilder, key)))).toThrow(
      'Invalid in-toto evidence at dsseEnvelope.payload.predicate.runDetails: Required',
    );
  });

  it('reads SLSA v1 provenance in a keyless bundle, as npm publishes it (what used to be a "_type must be" 400)', async () => {
    const sigstore = await mockSigstore();
    const s = parseInToto(
      bytesOf(
        await sigstore.bundle(
          slsaStatement('ab'.repeat(32)),
          RELEASE_WORKFLOW,
          V02,
        ),
      ),
    );
    expect(s.provenance?.builderId).toBe(
      'https://github.com/actions/runner/github-hosted',
    );
    expect(s.signature?.status).toBe('unverified');
  });
});
