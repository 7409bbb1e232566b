import type {
  EvidenceRecord,
  GateRuleResult,
} from '@gantry/plugin-gantry-common';
import type { GateRule } from '../../kernel/config/complianceConfig';

/** What an evidence rule reads about the release it judges. */
export interface EvidenceRuleInput {
  entityRef: string;
  version: string;
  policy: string;
  evidence: EvidenceRecord[];
  now: Date;
}

export const list = (items: string[], max = 5) =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

export const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

export function verdicts(rule: GateRule) {
  return {
    pass: (reason: string): GateRuleResult => ({
      rule,
      status: 'pass',
      reason,
    }),
    fail: (reason: string): GateRuleResult => ({
      rule,
      status: 'fail',
      reason,
    }),
  };
}
