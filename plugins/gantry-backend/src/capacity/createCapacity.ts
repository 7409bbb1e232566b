import type { GantryContext } from '../kernel/context';
import type { PipelineReader } from '../kernel/ports';
import { CapacityService } from './CapacityService';
import { createCapacityRouter } from './router';

/** Headroom per environment (CPU, memory, HPA, forecasts) from the metrics source. */
export function createCapacity(
  ctx: GantryContext,
  deps: { pipeline: PipelineReader },
) {
  const capacity = new CapacityService({
    prometheus: ctx.providers.prometheus,
    pipeline: deps.pipeline,
    environments: ctx.config.environments,
  });
  return {
    router: createCapacityRouter({ access: ctx.access, capacity }),
    capacity,
  };
}
