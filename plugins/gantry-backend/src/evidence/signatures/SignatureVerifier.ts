import type { BundleWithDsseEnvelope } from '@sigstore/bundle';
import { X509Certificate, dsse } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  Verifier,
  toSignedEntity,
  toTrustMaterial,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import type { SignatureReport } from '@gantry/plugin-gantry-common';
import type { SignatureTrustConfig } from '../../kernel/config/complianceConfig';
import {
  candidatesFor,
  trustedKeysOf,
  verifiesWith,
  type TrustedKey,
} from './trustedKeys';

const AT = 'gantry.compliance.signatures';

/** A DSSE envelope as it was uploaded, payload and signatures decoded. */
export interface DsseEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: Array<{ keyid?: string; sig: Buffer }>;
}

type KeylessSigner = SignatureTrustConfig['keyless'][number];

function trustedRootOf(
  root: NonNullable<SignatureTrustConfig['trustedRoot']>,
): TrustMaterial {
  try {
    const parsed = TrustedRoot.fromJSON(JSON.parse(root.json));
    if (!parsed.certificateAuthorities.length && !parsed.tlogs.length) {
      throw new Error('it lists no certificate authority and no log');
    }
    return toTrustMaterial(parsed);
  } catch (e) {
    throw new Error(
      `${root.source} is not a Sigstore TrustedRoot JSON (${
        (e as Error).message
      }); use Sigstore's trusted_root.json`,
    );
  }
}

const identityMatches = (
  signer: KeylessSigner,
  subject: string | undefined,
  issuer: string | undefined,
) =>
  subject !== undefined &&
  issuer === signer.issuer &&
  (signer.subject !== undefined
    ? subject === signer.subject
    : new RegExp(`^(?:${signer.subjectRegExp})$`, 'u').test(subject));

const messageOf = (e: unknown) => (e as Error).message ?? String(e);

/**
 * Checks signatures against the configured trust with Sigstore's own verifier
 * (@sigstore/verify): public keys for DSSE envelopes and key-based bundles, Fulcio
 * certificates chained to the trusted root (with their transparency-log and timestamp
 * evidence) for keyless bundles. Nothing is fetched.
 */
export class SignatureVerifier {
  private readonly keys: TrustedKey[];
  /** The trusted root's CAs, logs and timestamp authorities, parsed once. */
  private readonly root?: TrustMaterial;
  private readonly keyless: KeylessSigner[];

  constructor(trust: SignatureTrustConfig) {
    this.keys = trustedKeysOf(trust.keys);
    this.keyless = trust.keyless;
    this.root = trust.trustedRoot
      ? trustedRootOf(trust.trustedRoot)
      : undefined;
  }

  /** No trust at all: every signature is reported unverified. */
  static untrusted(): SignatureVerifier {
    return new SignatureVerifier({
      keys: [],
      keyless: [],
      required: false,
      byPolicy: {},
    });
  }

  /** A bare DSSE envelope; undefined when it carries no signature. */
  verifyEnvelope(env: DsseEnvelope): SignatureReport | undefined {
    if (env.signatures.length === 0) return undefined;
    const named = env.signatures
      .map(s => s.keyid)
      .filter(Boolean)
      .join(', ');
    const claimed = named ? ` (key id ${named})` : '';
    if (this.keys.length === 0) {
      return {
        status: 'unverified',
        envelope: 'dsse',
        reason: `DSSE signature${claimed} not checked: no public keys in ${AT}.keys, and a bare DSSE envelope can only be checked with one.`,
      };
    }
    const pae = dsse.preAuthEncoding(env.payloadType, env.payload);
    for (const { keyid, sig } of env.signatures) {
      const key = candidatesFor(this.keys, keyid).find(k =>
        verifiesWith(k.key, pae, sig),
      );
      if (key) {
        return {
          status: 'verified',
          envelope: 'dsse',
          signer: key.keyId,
          reason: `DSSE signature verified with key ${key.keyId}.`,
        };
      }
    }
    return {
      status: 'invalid',
      envelope: 'dsse',
      reason: `No DSSE signature${claimed} verifies with a key in ${AT}.keys: the payload was altered or another key signed it.`,
    };
  }

  /** A Sigstore bundle carrying a DSSE envelope. */
  verifyBundle(bundle: BundleWithDsseEnvelope): SignatureReport {
    const material = bundle.verificationMaterial.content;
    try {
      return material.$case === 'publicKey'
        ? this.verifyKeyBundle(bundle, material.publicKey.hint)
        : this.verifyKeylessBundle(bundle);
    } catch (e) {
      // e.g. a timestamp or certificate in the bundle that does not parse
      return {
        status: 'invalid',
        envelope: 'sigstore-bundle',
        reason: `The bundle's verification material cannot be read: ${messageOf(
          e,
        )}.`,
      };
    }
  }

  private verifyKeyBundle(
    bundle: BundleWithDsseEnvelope,
    hint: string,
  ): SignatureReport {
    const named = hint ? ` (key hint ${hint})` : '';
    if (this.keys.length === 0) {
      return {
        status: 'unverified',
        envelope: 'sigstore-bundle',
        reason: `Bundle signed with a public key${named}, not checked: no public keys in ${AT}.keys.`,
      };
    }
    let entity: SignedEntity = toSignedEntity(bundle);
    let note = '';
    if (!this.root) {
      // Without a trusted root the log's keys are unknown; the signature still is checkable.
      if (entity.tlogEntries.length) {
        note =
          ' Its transparency-log entries were not checked (no trusted root configured).';
      }
      entity = { ...entity, tlogEntries: [], timestamps: [] };
    }
    const errors: string[] = [];
    for (const k of candidatesFor(this.keys, hint)) {
      try {
        new Verifier(this.material(k), {
          tlogThreshold: 0,
          ctlogThreshold: 0,
          timestampThreshold: 0,
        }).verify(entity);
        return {
          status: 'verified',
          envelope: 'sigstore-bundle',
          signer: k.keyId,
          reason: `Bundle signature verified with key ${k.keyId}.${note}`,
        };
      } catch (e) {
        errors.push(`${k.keyId}: ${messageOf(e)}`);
      }
    }
    return {
      status: 'invalid',
      envelope: 'sigstore-bundle',
      reason: `Bundle signature${named} does not verify with a key in ${AT}.keys (${errors.join(
        '; ',
      )}).`,
    };
  }

  private verifyKeylessBundle(bundle: BundleWithDsseEnvelope): SignatureReport {
    const claimed = this.claimedIdentity(bundle);
    if (!this.root || this.keyless.length === 0) {
      return {
        status: 'unverified',
        envelope: 'sigstore-bundle',
        reason: `Keyless signature (certificate for ${claimed}) not checked: configure ${AT}.keyless and ${AT}.trustedRootFile.`,
      };
    }
    let subject: string | undefined;
    let issuer: string | undefined;
    try {
      const signer = new Verifier(this.root).verify(toSignedEntity(bundle));
      subject = signer.identity?.subjectAlternativeName;
      issuer = signer.identity?.extensions?.issuer;
    } catch (e) {
      return {
        status: 'invalid',
        envelope: 'sigstore-bundle',
        reason: `Keyless signature (certificate for ${claimed}) does not verify against the trusted root: ${messageOf(
          e,
        )}.`,
      };
    }
    if (!this.keyless.some(s => identityMatches(s, subject, issuer))) {
      return {
        status: 'invalid',
        envelope: 'sigstore-bundle',
        reason: `Signed by ${subject} (issuer ${issuer}), which matches no entry of ${AT}.keyless.`,
      };
    }
    return {
      status: 'verified',
      envelope: 'sigstore-bundle',
      signer: subject,
      issuer,
      reason: `Keyless signature by ${subject} (issuer ${issuer}) verified against the trusted root, its certificate, transparency log and timestamps.`,
    };
  }

  private material(key: TrustedKey): TrustMaterial {
    return {
      ...(this.root ?? {
        certificateAuthorities: [],
        timestampAuthorities: [],
        tlogs: [],
        ctlogs: [],
      }),
      publicKey: () => ({ publicKey: key.key, validFor: () => true }),
    };
  }

  /** The identity a certificate claims, for messages only: it is not trusted here. */
  private claimedIdentity(bundle: BundleWithDsseEnvelope): string {
    const material = bundle.verificationMaterial.content;
    let raw: Uint8Array | undefined;
    if (material.$case === 'certificate') raw = material.certificate.rawBytes;
    if (material.$case === 'x509CertificateChain') {
      raw = material.x509CertificateChain.certificates[0]?.rawBytes;
    }
    try {
      return (
        (raw && X509Certificate.parse(Buffer.from(raw)).subjectAltName) ||
        'an unnamed subject'
      );
    } catch {
      return 'an unreadable certificate';
    }
  }
}
