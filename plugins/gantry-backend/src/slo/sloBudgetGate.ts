import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type EntitySlos,
  type GateRuleResult,
} from '@gantry/plugin-gantry-common';
import type { GateSignal } from '../kernel/ports';
import type { SloConfig } from './sloConfig';
import type { SloService } from './SloService';

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

/**
 * Gate rule `slo-budget`: every SLO of the entity keeps at least the environment's
 * minimum error budget (gantry.slos.gate.minBudgetRemainingPercent). Fails closed when
 * Prometheus does not answer; SLOs without traffic in the period do not block.
 */
export function sloBudgetGate(deps: {
  slos: SloService;
  config: SloConfig;
}): GateSignal {
  const rule = 'slo-budget' as const;
  return {
    rule,
    async evaluate(entity: Entity, _version: string, environment: string) {
      const result = (
        status: GateRuleResult['status'],
        reason: string,
      ): GateRuleResult => ({ rule, status, reason });
      if (!deps.slos.declares(entity)) {
        return result(
          'not-applicable',
          `${stringifyEntityRef(entity)} declares no SLOs (annotation ${
            ANNOTATIONS.sloSpec
          } or ${ANNOTATIONS.sloInline}).`,
        );
      }
      const min = deps.config.minBudgetRemainingPercent(environment);
      let status;
      try {
        status = await deps.slos.forEntity(entity, stringifyEntityRef(entity));
      } catch (e) {
        return result(
          'fail',
          `The SLO spec cannot be used: ${(e as Error).message}`,
        );
      }
      if (status.error) {
        return status.slos.length === 0 &&
          status.error.startsWith('No Prometheus is configured')
          ? result('not-applicable', status.error)
          : result(
              'fail',
              `Could not read the error budgets, so the gate stays closed: ${status.error}`,
            );
      }
      const low = status.slos.filter(
        s => s.budget.remaining !== null && s.budget.remaining * 100 < min,
      );
      const describe = (s: EntitySlos['slos'][number]) =>
        s.budget.remaining === null
          ? `${s.name} has no traffic in its ${s.period} period`
          : `${s.name} (${s.objective} % over ${s.period}) has ${pct(
              s.budget.remaining,
            )} left`;
      if (low.length) {
        return result(
          'fail',
          `Error budget below ${min} % for ${environment}: ${low
            .map(describe)
            .join(
              '; ',
            )}. Promote once the budget recovers, or fix the burn first.`,
        );
      }
      return result(
        'pass',
        `Every SLO keeps at least ${min} % of its error budget for ${environment}: ${status.slos
          .map(describe)
          .join('; ')}.`,
      );
    },
  };
}
