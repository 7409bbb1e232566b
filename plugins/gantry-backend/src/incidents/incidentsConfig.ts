import type { Config } from '@backstage/config';
import { requireDuration } from '../kernel/durations';

/**
 * `gantry.incidents`: how far back a deployment counts as an alert's suspect and how
 * often unacknowledged incidents are checked for escalation.
 */
export function readIncidentsConfig(config: Config) {
  const c = config.getOptionalConfig('gantry.incidents');
  return {
    correlationWindowMs: requireDuration(
      c?.getOptionalString('correlationWindow') ?? '2h',
      'gantry.incidents.correlationWindow',
    ),
    escalationCheckSeconds:
      c?.getOptionalNumber('escalationCheckSeconds') ?? 60,
  };
}
