import fs from 'node:fs';
import type { Config } from '@backstage/config';
import { SEVERITIES, type Severity } from '@gantry/plugin-gantry-common';

export const GATE_RULES = [
  'vulnerabilities',
  'tests',
  'sbom',
  'provenance',
  'secret-scan',
  'slo-budget',
  'canary',
  'approvals',
  'migrations',
  'load-test',
  'dr-drill',
  'dpia',
  'chaos-drill',
] as const;
export type GateRule = (typeof GATE_RULES)[number];

/** Rules a policy names explicitly; the built-in policies leave them out. */
const OPT_IN_RULES: readonly GateRule[] = [
  'migrations',
  'load-test',
  'dr-drill',
  'dpia',
  'chaos-drill',
];

export interface ComplianceConfig {
  /** Policy name -> environment -> rules. */
  policies: Record<string, Record<string, GateRule[]>>;
  trustedBuilders: string[];
  /** Who may sign evidence, and which policies need a verified signature on provenance. */
  signatures: SignatureTrustConfig;
  /** Severities that block when a fix is available. */
  blockingSeverities: string[];
  /** How the vulnerabilities rule treats findings without a fix and SARIF scores. */
  vulnerabilities: VulnerabilitySettings & {
    /** Policy name -> what that policy sets differently. */
    byPolicy: Record<string, Partial<VulnerabilitySettings>>;
  };
  approvals: {
    environments: string[];
    requiredApprovals: number;
    extraApproverGroups: Record<string, string[]>;
    expiresAfterHours: number;
    emergencyReviewHours: number;
  };
}

export interface VulnerabilitySettings {
  /** A SARIF result whose rule's security-severity is at least this blocks, fix or not. */
  securitySeverityThreshold: number;
  /** Severities that block even when no fix is available. */
  blockUnfixable: Severity[];
}

/** GitHub code scanning calls 7.0 and above "high". */
const DEFAULT_SECURITY_SEVERITY_THRESHOLD = 7;

/** The vulnerability settings of a policy: its own where it sets them, the defaults elsewhere. */
export function vulnerabilitySettingsOf(
  config: ComplianceConfig,
  policy: string,
): VulnerabilitySettings {
  const { byPolicy, ...defaults } = config.vulnerabilities;
  return { ...defaults, ...byPolicy[policy] };
}

function readVulnerabilitySettings(
  c: Config | undefined,
  at: string,
): Partial<VulnerabilitySettings> {
  const threshold = c?.getOptionalNumber('securitySeverityThreshold');
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 10)) {
    throw new Error(
      `${at}.securitySeverityThreshold is ${threshold}; give a security-severity score from 0.0 to 10.0 (GitHub's bands: 9 critical, 7 high, 4 medium)`,
    );
  }
  const unfixable = c?.getOptionalStringArray('blockUnfixable');
  const unknown = unfixable?.filter(
    s => !(SEVERITIES as readonly string[]).includes(s),
  );
  if (unknown?.length) {
    throw new Error(
      `${at}.blockUnfixable names unknown severit${
        unknown.length === 1 ? 'y' : 'ies'
      } ${unknown.join(', ')}; use ${SEVERITIES.join(', ')}`,
    );
  }
  return {
    ...(threshold === undefined
      ? {}
      : { securitySeverityThreshold: threshold }),
    ...(unfixable ? { blockUnfixable: unfixable as Severity[] } : {}),
  };
}

export interface SignatureTrustConfig {
  /** Public keys (PEM, SubjectPublicKeyInfo) that sign DSSE envelopes and key-based bundles. */
  keys: Array<{ keyId: string; publicKey: string }>;
  /** Keyless (Fulcio) identities: the certificate's OIDC issuer and its subject (SAN). */
  keyless: Array<{ issuer: string; subject?: string; subjectRegExp?: string }>;
  /** Sigstore TrustedRoot JSON and where it came from; read once at startup, never fetched. */
  trustedRoot?: { json: string; source: string };
  /** Whether the provenance rule needs a verified signature; `byPolicy` overrides it per policy. */
  required: boolean;
  byPolicy: Record<string, { required?: boolean }>;
}

/** Whether `policy`'s provenance rule accepts only provenance with a verified signature. */
export function signatureRequiredBy(
  config: ComplianceConfig,
  policy: string,
): boolean {
  return (
    config.signatures.byPolicy[policy]?.required ?? config.signatures.required
  );
}

function readSignatureTrust(
  c: Config | undefined,
  policies: string[],
): SignatureTrustConfig {
  const at = 'gantry.compliance.signatures';
  const keys = (c?.getOptionalConfigArray('keys') ?? []).map((k, i) => ({
    keyId: k.getString('keyId'),
    publicKey: k.getString('publicKey'),
    at: `${at}.keys[${i}]`,
  }));
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.keyId)) {
      throw new Error(
        `${k.at}.keyId ${k.keyId} is used twice; give each key its own id`,
      );
    }
    seen.add(k.keyId);
  }
  const keyless = (c?.getOptionalConfigArray('keyless') ?? []).map((k, i) => {
    const subject = k.getOptionalString('subject');
    const subjectRegExp = k.getOptionalString('subjectRegExp');
    if ((subject === undefined) === (subjectRegExp === undefined)) {
      throw new Error(
        `${at}.keyless[${i}] needs exactly one of subject (the certificate identity, e.g. https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main) or subjectRegExp`,
      );
    }
    if (subjectRegExp !== undefined) {
      try {
        RegExp(subjectRegExp, 'u');
      } catch (e) {
        throw new Error(
          `${at}.keyless[${i}].subjectRegExp is not a regular expression: ${
            (e as Error).message
          }`,
        );
      }
    }
    return { issuer: k.getString('issuer'), subject, subjectRegExp };
  });
  const file = c?.getOptionalString('trustedRootFile');
  const inline = c?.getOptionalString('trustedRoot');
  if (file !== undefined && inline !== undefined) {
    throw new Error(
      `${at} sets both trustedRootFile and trustedRoot; keep one`,
    );
  }
  let trustedRoot: SignatureTrustConfig['trustedRoot'];
  if (file !== undefined) {
    try {
      trustedRoot = {
        json: fs.readFileSync(file, 'utf8'),
        source: `${at}.trustedRootFile (${file})`,
      };
    } catch (e) {
      throw new Error(
        `${at}.trustedRootFile ${file} cannot be read: ${(e as Error).message}`,
      );
    }
  } else if (inline !== undefined) {
    trustedRoot = { json: inline, source: `${at}.trustedRoot` };
  }
  if (keyless.length > 0 && !trustedRoot) {
    throw new Error(
      `${at}.keyless needs a trusted root to check certificates against: set ${at}.trustedRootFile to Sigstore's trusted_root.json`,
    );
  }
  const byPolicy: SignatureTrustConfig['byPolicy'] = {};
  const byPolicyCfg = c?.getOptionalConfig('byPolicy');
  for (const name of byPolicyCfg?.keys() ?? []) {
    if (!policies.includes(name)) {
      throw new Error(
        `${at}.byPolicy.${name} sets a policy that does not exist; known policies are ${policies.join(
          ', ',
        )}`,
      );
    }
    byPolicy[name] = {
      required: byPolicyCfg!.getConfig(name).getOptionalBoolean('required'),
    };
  }
  const trusted = keys.length > 0 || keyless.length > 0;
  const required = c?.getOptionalBoolean('required') ?? trusted;
  if (!trusted && (required || Object.values(byPolicy).some(p => p.required))) {
    throw new Error(
      `${at} requires verified signatures but trusts no signer: add ${at}.keys or ${at}.keyless`,
    );
  }
  return {
    keys: keys.map(({ keyId, publicKey }) => ({ keyId, publicKey })),
    keyless,
    trustedRoot,
    required,
    byPolicy,
  };
}

const FULL: GateRule[] = GATE_RULES.filter(r => !OPT_IN_RULES.includes(r));

/** Built-in policies; app-config `gantry.compliance.policies` adds or replaces them. */
function builtInPolicies(environments: string[]): ComplianceConfig['policies'] {
  const last = environments[environments.length - 1];
  const byEnv = (prod: GateRule[], other: GateRule[]) =>
    Object.fromEntries(environments.map(e => [e, e === last ? prod : other]));
  return {
    default: byEnv(FULL, ['vulnerabilities', 'tests']),
    strict: byEnv(
      FULL,
      FULL.filter(r => r !== 'approvals'),
    ),
  };
}

export function readComplianceConfig(
  config: Config,
  environments: string[],
): ComplianceConfig {
  const c = config.getOptionalConfig('gantry.compliance');
  const policies = builtInPolicies(environments);
  const configured = c?.getOptionalConfig('policies');
  for (const name of configured?.keys() ?? []) {
    const envs = configured!.getConfig(name);
    policies[name] = {};
    for (const env of envs.keys()) {
      const rules = envs.getStringArray(env);
      const unknown = rules.filter(
        r => !(GATE_RULES as readonly string[]).includes(r),
      );
      if (unknown.length) {
        throw new Error(
          `gantry.compliance.policies.${name}.${env} names unknown rule(s) ${unknown.join(
            ', ',
          )}; known rules are ${GATE_RULES.join(', ')}`,
        );
      }
      policies[name][env] = rules as GateRule[];
    }
  }
  const v = c?.getOptionalConfig('vulnerabilities');
  const at = 'gantry.compliance.vulnerabilities';
  const byPolicyCfg = v?.getOptionalConfig('byPolicy');
  const byPolicy: Record<string, Partial<VulnerabilitySettings>> = {};
  for (const name of byPolicyCfg?.keys() ?? []) {
    if (!Object.hasOwn(policies, name)) {
      throw new Error(
        `${at}.byPolicy.${name} sets a policy that does not exist; known policies are ${Object.keys(
          policies,
        ).join(', ')}`,
      );
    }
    byPolicy[name] = readVulnerabilitySettings(
      byPolicyCfg!.getConfig(name),
      `${at}.byPolicy.${name}`,
    );
  }
  const a = c?.getOptionalConfig('approvals');
  const extra: Record<string, string[]> = {};
  const extraCfg = a?.getOptionalConfig('extraApproverGroups');
  for (const env of extraCfg?.keys() ?? [])
    extra[env] = extraCfg!.getStringArray(env);
  return {
    policies,
    trustedBuilders: c?.getOptionalStringArray('trustedBuilders') ?? [],
    signatures: readSignatureTrust(
      c?.getOptionalConfig('signatures'),
      Object.keys(policies),
    ),
    blockingSeverities: c?.getOptionalStringArray('blockingSeverities') ?? [
      'CRITICAL',
      'HIGH',
    ],
    vulnerabilities: {
      securitySeverityThreshold: DEFAULT_SECURITY_SEVERITY_THRESHOLD,
      // Today's behaviour: a vulnerability without a fix does not block on its own.
      blockUnfixable: [],
      ...readVulnerabilitySettings(v, at),
      byPolicy,
    },
    approvals: {
      environments: a?.getOptionalStringArray('environments') ?? [
        environments[environments.length - 1],
      ],
      requiredApprovals: a?.getOptionalNumber('requiredApprovals') ?? 1,
      extraApproverGroups: extra,
      expiresAfterHours: a?.getOptionalNumber('expiresAfterHours') ?? 72,
      emergencyReviewHours: a?.getOptionalNumber('emergencyReviewHours') ?? 48,
    },
  };
}
