import type {
  EvidenceFormat,
  EvidenceSummary,
} from '@gantry/plugin-gantry-common';
import { parseAttestation } from './attestation';
import { parseCycloneDx } from './cyclonedx';
import { parseInToto } from './inToto';
import { parseJunit } from './junit';
import { parseLoadTest } from './loadTest';
import { parseMigration } from './migration';
import { parseDrDrill } from './drDrill';
import { parseChaosDrill } from './chaosDrill';
import { parseDpia } from './dpia';
import { parseSarif } from './sarif';
import { parseSpdx } from './spdx';
import { parseTrivy } from './trivy';
import type { ParsedEvidence } from './vulnerabilities';
import type { SignatureVerifier } from '../signatures/SignatureVerifier';

export { EvidenceFormatError } from './EvidenceFormatError';
export type { ParsedEvidence, VulnerabilityRow } from './vulnerabilities';

/** What a parser may need beyond the bytes: the trust signatures are checked against. */
export interface ParseOptions {
  signatures?: SignatureVerifier;
}

type Parser = (
  bytes: Buffer,
  options: ParseOptions,
) =>
  | EvidenceSummary
  | ParsedEvidence
  | Promise<EvidenceSummary | ParsedEvidence>;

const PARSERS: Record<EvidenceFormat, Parser> = {
  trivy: parseTrivy,
  sarif: parseSarif,
  cyclonedx: parseCycloneDx,
  spdx: parseSpdx,
  junit: parseJunit,
  'in-toto': (bytes, options) => parseInToto(bytes, options.signatures),
  'load-test': parseLoadTest,
  attestation: parseAttestation,
  migration: parseMigration,
  'dr-drill': bytes => parseDrDrill(bytes),
  dpia: bytes => parseDpia(bytes),
  'chaos-drill': bytes => parseChaosDrill(bytes),
};

/** Parses and validates one uploaded document; throws EvidenceFormatError (400) when it is not valid. */
export async function parseUpload(
  format: EvidenceFormat,
  bytes: Buffer,
  options: ParseOptions = {},
): Promise<ParsedEvidence> {
  const parsed = await PARSERS[format](bytes, options);
  return 'summary' in parsed
    ? parsed
    : { summary: parsed, vulnerabilities: [] };
}

/** The summary of one document (see parseUpload). */
export async function parseEvidence(
  format: EvidenceFormat,
  bytes: Buffer,
  options: ParseOptions = {},
): Promise<EvidenceSummary> {
  return (await parseUpload(format, bytes, options)).summary;
}
