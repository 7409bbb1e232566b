import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  ValidationError,
  bundleFromJSON,
  type Bundle,
  type BundleWithDsseEnvelope,
} from '@sigstore/bundle';
import { EvidenceFormatError } from '../parsers/EvidenceFormatError';

export const BUNDLE_MEDIA_TYPES = [
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
];

/** Whether a JSON document presents itself as a Sigstore bundle (any version). */
export function looksLikeBundle(json: object): boolean {
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  return (
    typeof mediaType === 'string' &&
    mediaType.startsWith('application/vnd.dev.sigstore.bundle')
  );
}

/**
 * A Sigstore bundle (v0.1-v0.3) that carries a DSSE envelope: what `cosign attest
 * --new-bundle-format`, slsa-github-generator, actions/attest-build-provenance and
 * `npm publish --provenance` write. Structure problems are 400s naming the field.
 */
export function parseAttestationBundle(json: object): BundleWithDsseEnvelope {
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (!BUNDLE_MEDIA_TYPES.includes(mediaType as string)) {
    throw new EvidenceFormatError(
      'in-toto',
      'mediaType',
      `is ${JSON.stringify(
        mediaType,
      )}; Gantry reads Sigstore bundles ${BUNDLE_MEDIA_TYPES.join(', ')}`,
    );
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new EvidenceFormatError(
        'in-toto',
        e.fields.join(', '),
        `is missing or malformed; this is not a valid ${mediaType} bundle`,
      );
    }
    throw new EvidenceFormatError(
      'in-toto',
      '',
      `is not a valid Sigstore bundle (${(e as Error).message})`,
    );
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new EvidenceFormatError(
      'in-toto',
      'messageSignature',
      'signs a file, not an attestation (cosign sign-blob); upload the attestation bundle (cosign attest, attest-build-provenance), whose dsseEnvelope carries the in-toto statement',
    );
  }
  return bundle as BundleWithDsseEnvelope;
}
