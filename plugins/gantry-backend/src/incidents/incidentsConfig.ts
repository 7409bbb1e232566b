import type { Config } from '@backstage/config';
import { parseDuration } from './escalation';

/**
 * `gantry.incidents`: how far back a deployment counts as an alert's suspect, how long
 * drift may last before the owners hear of it, and how often both are checked.
 */
export function readIncidentsConfig(config: Config) {
  const c = config.getOptionalConfig('gantry.incidents');
  const duration = (key: string, fallback: string) =>
    parseDuration(
      c?.getOptionalString(key) ?? fallback,
      `gantry.incidents.${key}`,
    );
  return {
    correlationWindowMs: duration('correlationWindow', '2h'),
    escalationCheckSeconds:
      c?.getOptionalNumber('escalationCheckSeconds') ?? 60,
    driftThresholdMs: duration('driftThreshold', '15m'),
    driftCheckSeconds: c?.getOptionalNumber('driftCheckSeconds') ?? 300,
  };
}
