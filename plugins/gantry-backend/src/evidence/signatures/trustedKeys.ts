import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
}

/** Parses gantry.compliance.signatures.keys; a key that is not a PEM public key stops startup. */
export function trustedKeysOf(
  keys: Array<{ keyId: string; publicKey: string }>,
): TrustedKey[] {
  return keys.map(({ keyId, publicKey }, i) => {
    try {
      return { keyId, key: createPublicKey(publicKey) };
    } catch (e) {
      throw new Error(
        `gantry.compliance.signatures.keys[${i}].publicKey (${keyId}) is not a PEM public key: ${
          (e as Error).message
        }. Give the key as cosign writes it (cosign.pub, -----BEGIN PUBLIC KEY-----).`,
      );
    }
  });
}

/**
 * The digest cosign and DSSE signers pair with each key type: none for EdDSA, the
 * curve's own size for ECDSA, SHA-256 for RSA.
 */
function digestOf(key: KeyObject): string | null {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
    case 'ed448':
      return null;
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return 'sha384';
      if (curve === 'secp521r1') return 'sha512';
      return 'sha256';
    }
    default:
      return 'sha256';
  }
}

/** Whether `signature` over `data` verifies with `key`; a malformed signature is a no. */
export function verifiesWith(
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  try {
    return verify(digestOf(key), data, key, signature);
  } catch {
    return false;
  }
}

/** The keys to try for a signature naming `keyId`: that key when configured, else all. */
export function candidatesFor(
  keys: TrustedKey[],
  keyId: string | undefined,
): TrustedKey[] {
  const named = keys.filter(k => keyId && k.keyId === keyId);
  return named.length ? named : keys;
}
