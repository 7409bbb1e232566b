import type {
  EvidenceFormat,
  EvidenceSummary,
} from '@gantry/plugin-gantry-common';
import { parseAttestation } from './attestation';
import { parseCycloneDx } from './cyclonedx';
import { parseInToto } from './inToto';
import { parseJunit } from './junit';
import { parseLoadTest } from './loadTest';
import { parseSarif } from './sarif';
import { parseSpdx } from './spdx';
import { parseTrivy } from './trivy';

export { EvidenceFormatError } from './EvidenceFormatError';

const PARSERS: Record<
  EvidenceFormat,
  (bytes: Buffer) => EvidenceSummary | Promise<EvidenceSummary>
> = {
  trivy: parseTrivy,
  sarif: parseSarif,
  cyclonedx: parseCycloneDx,
  spdx: parseSpdx,
  junit: parseJunit,
  'in-toto': parseInToto,
  'load-test': parseLoadTest,
  attestation: parseAttestation,
};

/** Parses and validates one uploaded document; throws EvidenceFormatError (400) when it is not valid. */
export async function parseEvidence(
  format: EvidenceFormat,
  bytes: Buffer,
): Promise<EvidenceSummary> {
  return PARSERS[format](bytes);
}
