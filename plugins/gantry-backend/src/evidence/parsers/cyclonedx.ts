import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import type {
  EvidenceSummary,
  VulnerabilityFinding,
} from '@gantry/plugin-gantry-common';
import {
  EvidenceFormatError,
  parseJson,
  pointerToPath,
} from './EvidenceFormatError';
import {
  countsHeadline,
  normaliseSeverity,
  summariseFindings,
} from './vulnerabilities';

const VERSIONS: Record<string, Spec.Version> = {
  '1.4': Spec.Version.v1dot4,
  '1.5': Spec.Version.v1dot5,
  '1.6': Spec.Version.v1dot6,
};

// A validator compiles its schema on first use and keeps it: build one per version, not per upload.
const validators = new Map<Spec.Version, Validation.JsonStrictValidator>();
function validatorFor(version: Spec.Version): Validation.JsonStrictValidator {
  let validator = validators.get(version);
  if (!validator) {
    validator = new Validation.JsonStrictValidator(version);
    validators.set(version, validator);
  }
  return validator;
}

type Bom = {
  specVersion: string;
  components?: Array<{ name?: string }>;
  vulnerabilities?: Array<{
    id?: string;
    ratings?: Array<{ severity?: string }>;
    recommendation?: string;
    analysis?: { state?: string };
    affects?: Array<{ ref?: string }>;
  }>;
};

/** CycloneDX 1.4-1.6 JSON, validated with the CycloneDX library against the spec's own schema. */
export async function parseCycloneDx(bytes: Buffer): Promise<EvidenceSummary> {
  const json = parseJson('cyclonedx', bytes) as Record<string, unknown>;
  if (
    json === null ||
    typeof json !== 'object' ||
    json.bomFormat !== 'CycloneDX'
  ) {
    throw new EvidenceFormatError(
      'cyclonedx',
      'bomFormat',
      'must be "CycloneDX"',
    );
  }
  // Own keys of strings only: '__proto__' must not pass as a version, nor a map as a string.
  const version =
    typeof json.specVersion === 'string' &&
    Object.hasOwn(VERSIONS, json.specVersion)
      ? VERSIONS[json.specVersion]
      : undefined;
  if (!version) {
    throw new EvidenceFormatError(
      'cyclonedx',
      'specVersion',
      `is ${JSON.stringify(
        json.specVersion,
      )}; Gantry accepts CycloneDX ${Object.keys(VERSIONS).join(', ')}`,
    );
  }
  let error: unknown;
  try {
    error = await validatorFor(version).validate(JSON.stringify(json));
  } catch (e) {
    // ajv's uniqueItems check (fast-deep-equal) throws on members with a "valueOf" key.
    throw new EvidenceFormatError('cyclonedx', '/', (e as Error).message);
  }
  if (error) {
    const first = (Array.isArray(error) ? error[0] : error) as {
      instancePath?: string;
      message?: string;
    };
    const path = pointerToPath(first?.instancePath);
    throw new EvidenceFormatError(
      'cyclonedx',
      path,
      first?.message ?? 'does not match the schema',
    );
  }
  const bom = json as unknown as Bom;
  const components = bom.components?.length ?? 0;
  const findings: VulnerabilityFinding[] = (bom.vulnerabilities ?? [])
    .filter(
      v =>
        v.analysis?.state !== 'not_affected' &&
        v.analysis?.state !== 'false_positive',
    )
    .map(v => ({
      id: v.id ?? 'unknown',
      severity: normaliseSeverity(v.ratings?.[0]?.severity),
      package: v.affects?.[0]?.ref,
      fixAvailable: Boolean(v.recommendation),
    }));
  const vulnerabilities = findings.length
    ? summariseFindings(findings)
    : undefined;
  return {
    headline: `CycloneDX ${bom.specVersion} SBOM: ${components} component${
      components === 1 ? '' : 's'
    }${vulnerabilities ? `; ${countsHeadline(vulnerabilities.counts)}` : ''}`,
    sbom: { format: 'CycloneDX', specVersion: bom.specVersion, components },
    ...(vulnerabilities ? { vulnerabilities } : {}),
  };
}
