import type {
  SloAlertStatus,
  SloBudget,
  SloBurnRate,
} from '@gantry/plugin-gantry-common';
import { formatDuration } from '../kernel/durations';
import type { SloDefinition } from './model';
import { alertWindows } from './windows';

/** The error budget as a ratio of events: 1 - objective. Same float as Sloth's alert B. */
const errorBudget = (slo: SloDefinition) => (100 - slo.objective) / 100;

/** A query result as a ratio: no series, 0/0 (no traffic) and infinities are "no data". */
export const ratioOrNull = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? null : v;

export function burnRates(
  slo: SloDefinition,
  ratios: Map<string, number | null>,
  windows: string[],
): SloBurnRate[] {
  const b = errorBudget(slo);
  return windows.map(window => {
    const errorRatio = ratios.get(window) ?? null;
    return {
      window,
      errorRatio,
      burnRate: errorRatio === null ? null : errorRatio / b,
    };
  });
}

export function budgetOf(
  slo: SloDefinition,
  periodErrorRatio: number | null,
): SloBudget {
  const total = errorBudget(slo);
  const totalMinutes = (total * slo.periodMs) / 60_000;
  const consumed = periodErrorRatio === null ? null : periodErrorRatio / total;
  const remaining = consumed === null ? null : 1 - consumed;
  return {
    total,
    consumed,
    remaining,
    totalMinutes,
    remainingMinutes: remaining === null ? null : remaining * totalMinutes,
  };
}

/**
 * The multiwindow alerts as Prometheus would evaluate the generated rules: a pair
 * fires when both windows' error ratio exceeds factor × budget.
 */
export function alertStatus(
  slo: SloDefinition,
  ratios: Map<string, number | null>,
): SloAlertStatus[] {
  const b = errorBudget(slo);
  const windows = alertWindows(slo.periodMs);
  return (['page', 'ticket'] as const).map(severity => {
    const meta = slo.alerting[severity];
    const conditions = windows
      .filter(w => w.severity === severity)
      .map(w => {
        const short = ratios.get(formatDuration(w.shortWindowMs)) ?? null;
        const long = ratios.get(formatDuration(w.longWindowMs)) ?? null;
        const over = (r: number | null) => r !== null && r > w.factor * b;
        return {
          severity,
          shortWindow: formatDuration(w.shortWindowMs),
          longWindow: formatDuration(w.longWindowMs),
          budgetPercent: w.budgetPercent,
          factor: w.factor,
          shortBurnRate: short === null ? null : short / b,
          longBurnRate: long === null ? null : long / b,
          firing: over(short) && over(long),
        };
      });
    return {
      severity,
      name: meta.disable ? undefined : meta.name,
      firing: conditions.some(c => c.firing),
      conditions,
    };
  });
}
