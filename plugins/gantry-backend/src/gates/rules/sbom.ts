import type {
  EvidenceRecord,
  GateRuleResult,
} from '@gantry/plugin-gantry-common';
import { verdicts } from './ruleResult';

const { pass, fail } = verdicts('sbom');

const describe = (e: EvidenceRecord) => {
  const s = e.summary.sbom!;
  return `${s.format} ${s.specVersion}${s.vexOnly ? ' VEX document' : ''}`;
};

/** An SBOM that lists the release's components; an empty one (or a VEX-only document) is no inventory. */
export function sbomRule(evidence: EvidenceRecord[]): GateRuleResult {
  const sboms = evidence.filter(e => e.summary.sbom);
  if (sboms.length === 0)
    return fail('No SBOM uploaded (CycloneDX 1.4-1.7 JSON or SPDX 2.3 JSON).');
  const listing = sboms.find(e => e.summary.sbom!.components > 0);
  if (!listing) {
    return fail(
      `No uploaded SBOM lists any component (${sboms
        .map(describe)
        .join(
          ', ',
        )} with 0 components). Upload the SBOM of the built artifact, e.g. \`trivy image --format cyclonedx\` or \`syft -o spdx-json\`.`,
    );
  }
  return pass(
    `${describe(listing)} SBOM with ${
      listing.summary.sbom!.components
    } components.`,
  );
}
