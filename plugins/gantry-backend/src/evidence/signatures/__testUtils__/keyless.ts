import { initializeCA, initializeCTLog, initializeTLog } from '@sigstore/mock';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { IN_TOTO, V03, V03_LEGACY, pae, type KeylessIdentity } from './signing';

/**
 * Keyless Sigstore bundles made in the test by a private Sigstore instance of
 * @sigstore/mock: its Fulcio CA issues the signing certificate for an identity and
 * issuer (with an SCT from its CT log), its Rekor log records the signature with a
 * signed entry timestamp and an inclusion proof. The TrustedRoot lists that CA and
 * those logs' keys, so @sigstore/verify checks everything it checks on a real bundle:
 * chain, SCT, log entry, checkpoint, timestamp, signature.
 */

export interface MockSigstore {
  /** TrustedRoot JSON for this instance: what trustedRoot / trustedRootFile hold. */
  trustedRoot: string;
  /** A keyless bundle of the statement, signed by the identity, of the media type. */
  bundle(
    statement: object,
    identity: KeylessIdentity,
    mediaType?: string,
  ): Promise<KeylessBundle>;
}

export interface KeylessBundle {
  mediaType: string;
  verificationMaterial: Record<string, unknown>;
  dsseEnvelope: {
    payloadType: string;
    payload: string;
    signatures: Array<{ sig: string; keyid: string }>;
  };
}

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (b: ArrayBufferView) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** The part of a Rekor v1 log entry (its API's answer) that a bundle carries. */
interface RekorEntry {
  body: string;
  integratedTime: number;
  logIndex: number;
  verification: {
    signedEntryTimestamp: string;
    inclusionProof: {
      logIndex: number;
      rootHash: string;
      treeSize: number;
      hashes: string[];
      checkpoint: string;
    };
  };
}
const VALID_FROM = '2020-01-01T00:00:00.000Z';
const REKOR = 'https://rekor.sigstore.mock';

export async function mockSigstore(): Promise<MockSigstore> {
  const ctLog = await initializeCTLog(p256());
  const ca = await initializeCA(p256(), ctLog);
  const tlog = await initializeTLog(REKOR, p256());
  const tlogId = createHash('sha256').update(tlog.publicKey).digest();

  const trustedRoot = JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: REKOR,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(tlog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: VALID_FROM },
        },
        logId: { keyId: b64(tlogId) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.sigstore.mock',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: VALID_FROM },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.sigstore.mock',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(ctLog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: VALID_FROM },
        },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [],
  });

  async function bundle(
    statement: object,
    identity: KeylessIdentity,
    mediaType = V03,
  ): Promise<KeylessBundle> {
    // What `cosign attest` does: an ephemeral key, a certificate for the OIDC identity ...
    const signer = p256();
    const issued = await ca.issueCertificate({
      publicKey: signer.publicKey.export({ type: 'spki', format: 'der' }),
      subjectAltName: identity.subject,
      extensions: [
        { oid: OID_ISSUER_V1, value: identity.issuer, legacy: true },
        { oid: OID_ISSUER_V2, value: identity.issuer },
      ],
    });
    const certificate = Buffer.from(
      issued.buffer,
      issued.byteOffset,
      issued.byteLength,
    );
    // ... a DSSE signature over the statement with that key ...
    const payload = Buffer.from(JSON.stringify(statement));
    const sig = sign('sha256', pae(IN_TOTO, payload), signer.privateKey);
    const envelope = {
      payloadType: IN_TOTO,
      payload: b64(payload),
      signatures: [{ sig: b64(sig), keyid: '' }],
    };
    // ... and a Rekor dsse entry recording signature, certificate and payload hash.
    const certPem = `-----BEGIN CERTIFICATE-----\n${certificate
      .toString('base64')
      .replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const sha256 = (b: Buffer | string) =>
      createHash('sha256').update(b).digest('hex');
    const logged = await tlog.log({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: {
          algorithm: 'sha256',
          value: sha256(JSON.stringify(envelope)),
        },
        payloadHash: { algorithm: 'sha256', value: sha256(payload) },
        signatures: [
          { signature: b64(sig), verifier: b64(Buffer.from(certPem)) },
        ],
      },
    });
    const entry = Object.values(logged)[0] as RekorEntry;
    const proof = entry.verification.inclusionProof;
    const tlogEntry = {
      logIndex: String(entry.logIndex),
      logId: { keyId: b64(tlogId) },
      kindVersion: { kind: 'dsse', version: '0.0.1' },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: {
        signedEntryTimestamp: entry.verification.signedEntryTimestamp,
      },
      inclusionProof: {
        logIndex: String(proof.logIndex),
        rootHash: b64(Buffer.from(proof.rootHash, 'hex')),
        treeSize: String(proof.treeSize),
        hashes: proof.hashes,
        checkpoint: { envelope: proof.checkpoint },
      },
      canonicalizedBody: entry.body,
    };
    // v0.1 and v0.2 carry the chain; v0.3 carries the leaf certificate alone.
    const cert = { rawBytes: b64(certificate) };
    const v03 = mediaType === V03 || mediaType === V03_LEGACY;
    return {
      mediaType,
      verificationMaterial: {
        ...(v03
          ? { certificate: cert }
          : { x509CertificateChain: { certificates: [cert] } }),
        tlogEntries: [tlogEntry],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      dsseEnvelope: envelope,
    };
  }

  return { trustedRoot, bundle };
}
