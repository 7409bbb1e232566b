import type {
  EvidenceRecord,
  SignatureReport,
} from '@gantry/plugin-gantry-common';
import { Chip, Tooltip } from '@material-ui/core';

/**
 * The signature of a piece of evidence. Records uploaded before signatures were
 * verified carry only `provenance.signed`: their signature was never checked.
 */
export function signatureOf(e: EvidenceRecord): SignatureReport | undefined {
  if (e.summary.signature) return e.summary.signature;
  if (e.summary.provenance?.signed) {
    return {
      status: 'unverified',
      envelope: 'dsse',
      reason:
        'Uploaded before Gantry verified signatures: this signature was never checked.',
    };
  }
  return undefined;
}

/** "verified" only for a verified signature, with who signed. */
export function signatureLabel(s: SignatureReport): string {
  switch (s.status) {
    case 'verified':
      return `signed by ${s.signer}, verified`;
    case 'invalid':
      return 'invalid signature';
    default:
      return 'signature unverified';
  }
}

const COLORS = {
  verified: 'primary',
  invalid: 'secondary',
  unverified: 'default',
} as const;

export function SignatureChip({ evidence }: { evidence: EvidenceRecord }) {
  const signature = signatureOf(evidence);
  if (!signature) return null;
  return (
    <Tooltip title={signature.reason}>
      <Chip
        size="small"
        data-testid={`signature-${evidence.id}`}
        variant={signature.status === 'verified' ? 'default' : 'outlined'}
        color={COLORS[signature.status]}
        label={signatureLabel(signature)}
      />
    </Tooltip>
  );
}

/** The provenance column's line: the builder; the signature is the chip beside it. */
export const provenanceLabel = (e: EvidenceRecord) =>
  e.summary.provenance?.builderId
    ? `SLSA provenance v1 from ${e.summary.provenance.builderId}`
    : e.summary.headline;
