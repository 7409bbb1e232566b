import type { EdgeUsageBatch } from '@gantry/flags-edge';
import type { ClientKeyStore } from '../ClientKeyStore';
import type { FlagStore } from '../FlagStore';

export interface UsageSink {
  write(batch: EdgeUsageBatch): Promise<void>;
}

/** Usage batches from edges into the same tables the backend's own counts go to. */
export function storeUsageSink(deps: {
  flags: FlagStore;
  keys: ClientKeyStore;
}): UsageSink {
  return {
    async write(batch) {
      if (batch.counts.length) {
        await deps.flags.addEvaluationCounts(batch.counts);
        const flags = new Map(
          batch.counts.map(c => [
            `${c.entityRef}#${c.environment}#${c.key}`,
            c,
          ]),
        );
        await deps.flags.markEvaluated(
          [...flags.values()],
          new Date().toISOString(),
        );
      }
      for (const k of batch.keysUsed) await deps.keys.touch(k.id, k.at);
    },
  };
}
