import type {
  EvidenceRecord,
  GateRuleResult,
} from '@gantry/plugin-gantry-common';
import { list, verdicts } from './ruleResult';

const { pass, fail } = verdicts('provenance');
const SLSA_V1 = 'https://slsa.dev/provenance/v1';

const builderOf = (e: EvidenceRecord) =>
  e.summary.provenance!.builderId ?? 'an unnamed builder';
const statusOf = (e: EvidenceRecord) =>
  e.summary.signature?.status ?? 'unsigned';

/**
 * SLSA v1 provenance from a trusted builder whose subject is the deployed image; when
 * the policy requires it, signed by a trusted signer. An invalid signature on any
 * provenance of the release fails the rule: someone uploaded an altered or foreign
 * document, and that needs a look before the release ships.
 */
export function provenanceRule(
  evidence: EvidenceRecord[],
  settings: {
    trustedBuilders: string[];
    requireSignature: boolean;
    imageDigest?: string;
  },
): GateRuleResult {
  const prov = evidence.filter(
    e => e.summary.provenance?.predicateType === SLSA_V1,
  );
  if (prov.length === 0)
    return fail(
      'No SLSA provenance v1 uploaded (an in-toto statement, plain, in a DSSE envelope or in a Sigstore bundle).',
    );
  const invalid = prov.filter(e => e.summary.signature?.status === 'invalid');
  if (invalid.length) {
    return fail(
      `Provenance ${list(invalid.map(e => e.id))} has an invalid signature: ${
        invalid[0].summary.signature!.reason
      }`,
    );
  }
  const trusted = settings.trustedBuilders;
  if (trusted.length === 0) {
    return fail(
      `No builder is trusted: set gantry.compliance.trustedBuilders to the SLSA builder.id values you accept (this release's provenance comes from ${list(
        prov.map(builderOf),
      )}).`,
    );
  }
  const fromTrusted = prov.filter(e =>
    trusted.includes(e.summary.provenance!.builderId ?? ''),
  );
  if (fromTrusted.length === 0) {
    return fail(
      `Provenance comes from ${list(
        prov.map(builderOf),
      )}, not a trusted builder (${list(trusted)}).`,
    );
  }
  const accepted = settings.requireSignature
    ? fromTrusted.filter(e => e.summary.signature?.status === 'verified')
    : fromTrusted;
  if (accepted.length === 0) {
    return fail(
      `The policy requires provenance signed by a trusted signer (gantry.compliance.signatures), and no provenance from a trusted builder is: ${list(
        fromTrusted.map(
          e =>
            `${statusOf(e)}${
              e.summary.signature ? ` (${e.summary.signature.reason})` : ''
            }`,
        ),
      )}.`,
    );
  }
  if (!settings.imageDigest) {
    return fail(
      'The release has no image digest to match provenance against; upload evidence with ?imageDigest=sha256:<digest>.',
    );
  }
  const hex = settings.imageDigest.replace(/^sha256:/, '');
  const match = accepted.find(e =>
    e.summary.provenance!.subjects.some(s => s.sha256 === hex),
  );
  if (!match) {
    return fail(
      `No ${
        settings.requireSignature ? 'verified ' : ''
      }provenance subject has the deployed image digest ${
        settings.imageDigest
      }.`,
    );
  }
  const sig = match.summary.signature;
  let signed = ', unsigned';
  if (sig) {
    signed =
      sig.status === 'verified'
        ? `, signed by ${sig.signer}, verified`
        : ', signature unverified';
  }
  return pass(
    `Provenance from ${builderOf(match)} covers image ${
      settings.imageDigest
    }${signed}.`,
  );
}
