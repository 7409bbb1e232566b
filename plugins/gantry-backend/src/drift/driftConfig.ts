import type { Config } from '@backstage/config';
import { requireDuration } from '../kernel/durations';

/** `gantry.incidents.driftThreshold` / `driftCheckSeconds`: how long drift may last before the owners hear of it, and how often it is checked. */
export function readDriftConfig(config: Config) {
  const c = config.getOptionalConfig('gantry.incidents');
  return {
    thresholdMs: requireDuration(
      c?.getOptionalString('driftThreshold') ?? '15m',
      'gantry.incidents.driftThreshold',
    ),
    checkSeconds: c?.getOptionalNumber('driftCheckSeconds') ?? 300,
  };
}
