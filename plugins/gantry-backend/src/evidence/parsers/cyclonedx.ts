import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import type {
  EvidenceSummary,
  Severity,
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
  RANK,
  rowsOf,
  summariseFindings,
  type ParsedEvidence,
} from './vulnerabilities';

const VERSIONS: Record<string, Spec.Version> = {
  '1.4': Spec.Version.v1dot4,
  '1.5': Spec.Version.v1dot5,
  '1.6': Spec.Version.v1dot6,
  '1.7': Spec.Version.v1dot7,
};

/** Analysed as not a problem of this product (CycloneDX impactAnalysisState). */
const CLOSED_STATES = new Set([
  'resolved',
  'resolved_with_pedigree',
  'false_positive',
  'not_affected',
]);

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

type Component = { name?: string; components?: Component[] };
type Bom = {
  specVersion: string;
  components?: Component[];
  vulnerabilities?: Array<{
    id?: string;
    ratings?: Array<{ severity?: string }>;
    recommendation?: string;
    analysis?: { state?: string };
    affects?: Array<{ ref?: string }>;
  }>;
};

/** Every component, the nested ones (`components[].components[]`) included. */
function countComponents(components: Component[] | undefined): number {
  let n = 0;
  const stack = [...(components ?? [])];
  for (let c = stack.pop(); c; c = stack.pop()) {
    n += 1;
    stack.push(...(c.components ?? []));
  }
  return n;
}

/** CycloneDX 1.4-1.7 JSON, validated with the CycloneDX library against the spec's own schema. */
export async function parseCycloneDx(bytes: Buffer): Promise<ParsedEvidence> {
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
  const components = countComponents(bom.components);
  const findings: VulnerabilityFinding[] = (bom.vulnerabilities ?? [])
    .filter(v => !CLOSED_STATES.has(v.analysis?.state ?? ''))
    .map(v => ({
      id: v.id ?? 'unknown',
      // the most severe of the ratings (several sources may rate one vulnerability)
      severity: (v.ratings ?? [])
        .map(r => normaliseSeverity(r.severity))
        .reduce<Severity>(
          (worst, s) => (RANK[s] < RANK[worst] ? s : worst),
          'UNKNOWN',
        ),
      package: v.affects?.[0]?.ref,
      fixAvailable: Boolean(v.recommendation),
    }));
  const vulnerabilities = findings.length
    ? summariseFindings(findings)
    : undefined;
  const vexOnly = components === 0 && (bom.vulnerabilities?.length ?? 0) > 0;
  const summary: EvidenceSummary = {
    headline: `CycloneDX ${bom.specVersion} ${
      vexOnly ? 'VEX' : 'SBOM'
    }: ${components} component${components === 1 ? '' : 's'}${
      vulnerabilities ? `; ${countsHeadline(vulnerabilities.counts)}` : ''
    }`,
    sbom: {
      format: 'CycloneDX',
      specVersion: bom.specVersion,
      components,
      ...(vexOnly ? { vexOnly } : {}),
    },
    ...(vulnerabilities ? { vulnerabilities } : {}),
  };
  return { summary, vulnerabilities: rowsOf('cyclonedx', findings) };
}
