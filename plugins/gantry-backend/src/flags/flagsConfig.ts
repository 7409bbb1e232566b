import type { Config } from '@backstage/config';
import { DEFAULT_STALE_THRESHOLDS, type StaleThresholds } from './staleness';

interface FlagsConfig {
  /** OFREP/sync requests per second one client key may make on one replica. */
  rateLimitPerSecond: number;
  /** How often a replica looks for flag changes made by other replicas. */
  pollIntervalMs: number;
  stale: StaleThresholds;
  /** Days the ids of ingested experiment events are kept to spot retried batches. */
  eventIdRetentionDays: number;
}

/** Reads `gantry.flags` from app-config. */
export function readFlagsConfig(config: Config): FlagsConfig {
  const f = config.getOptionalConfig('gantry.flags');
  return {
    rateLimitPerSecond: f?.getOptionalNumber('rateLimitPerSecond') ?? 1000,
    pollIntervalMs: f?.getOptionalNumber('pollIntervalMs') ?? 1000,
    eventIdRetentionDays: f?.getOptionalNumber('eventIdRetentionDays') ?? 7,
    stale: {
      fullyRolledOutDays:
        f?.getOptionalNumber('stale.fullyRolledOutDays') ??
        DEFAULT_STALE_THRESHOLDS.fullyRolledOutDays,
      notEvaluatedDays:
        f?.getOptionalNumber('stale.notEvaluatedDays') ??
        DEFAULT_STALE_THRESHOLDS.notEvaluatedDays,
    },
  };
}
