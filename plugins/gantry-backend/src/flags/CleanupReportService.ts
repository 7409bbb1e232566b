import type { FlagCleanupReport } from '@gantry/plugin-gantry-common';
import { staleReasons, type StaleThresholds } from './staleness';
import type { FlagStore } from './FlagStore';

/** Flags of an entity that look ready to be removed, with the reasons. */
export class CleanupReportService {
  constructor(
    private readonly store: FlagStore,
    private readonly thresholds: StaleThresholds,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async report(entityRef: string): Promise<FlagCleanupReport> {
    const now = this.now();
    const items = (await this.store.listFlags(entityRef))
      .map(f => ({
        environment: f.environment,
        key: f.key,
        type: f.type,
        owner: f.owner,
        reasons: staleReasons(f, now, this.thresholds),
      }))
      .filter(i => i.reasons.length > 0);
    return {
      entityRef,
      generatedAt: now.toISOString(),
      thresholds: this.thresholds,
      items,
    };
  }
}
