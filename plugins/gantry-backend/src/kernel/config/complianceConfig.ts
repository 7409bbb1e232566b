import type { Config } from '@backstage/config';

export const GATE_RULES = [
  'vulnerabilities',
  'tests',
  'sbom',
  'provenance',
  'secret-scan',
  'slo-budget',
  'canary',
  'approvals',
] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface ComplianceConfig {
  /** Policy name -> environment -> rules. */
  policies: Record<string, Record<string, GateRule[]>>;
  trustedBuilders: string[];
  /** Severities that block when a fix is available. */
  blockingSeverities: string[];
  approvals: {
    environments: string[];
    requiredApprovals: number;
    extraApproverGroups: Record<string, string[]>;
    expiresAfterHours: number;
    emergencyReviewHours: number;
  };
}

const FULL: GateRule[] = [...GATE_RULES];

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
  const a = c?.getOptionalConfig('approvals');
  const extra: Record<string, string[]> = {};
  const extraCfg = a?.getOptionalConfig('extraApproverGroups');
  for (const env of extraCfg?.keys() ?? [])
    extra[env] = extraCfg!.getStringArray(env);
  return {
    policies,
    trustedBuilders: c?.getOptionalStringArray('trustedBuilders') ?? [],
    blockingSeverities: c?.getOptionalStringArray('blockingSeverities') ?? [
      'CRITICAL',
      'HIGH',
    ],
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
