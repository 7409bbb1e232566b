import type { GantryContext } from '../kernel/context';
import { createSloRouter } from './router';
import { sloBudgetGate } from './sloBudgetGate';
import { readSloConfig } from './sloConfig';
import { SloService } from './SloService';
import { SloSpecLoader } from './SloSpecLoader';

/** SLO specs, error budgets from the metrics source, generated rules, and the slo-budget gate rule. */
export function createSlo(ctx: GantryContext) {
  const slos = new SloService({
    specs: new SloSpecLoader({ reader: ctx.urlReader }),
    prometheus: ctx.providers.prometheus,
    appBaseUrl: ctx.appBaseUrl,
  });
  return {
    router: createSloRouter({ access: ctx.access, slos }),
    slos,
    gateSignal: sloBudgetGate({ slos, config: readSloConfig(ctx.rootConfig) }),
  };
}
