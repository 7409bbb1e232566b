import type { SloStatus } from '@gantry/plugin-gantry-common';
import { budgetForecast, durationMs } from './budgetForecast';

const slo = (
  remaining: number | null,
  burn1h: number | null,
  period = '30d',
  current: number | null = 50,
): SloStatus =>
  ({
    period,
    budget: { remaining },
    currentBurnRate: current,
    burnRates: [
      { window: '5m', errorRatio: null, burnRate: current },
      { window: '1h', errorRatio: null, burnRate: burn1h },
    ],
  } as unknown as SloStatus);

describe('budgetForecast', () => {
  it('divides the remaining share of the period by the 1h burn rate', () => {
    // Half the budget left over 30 days at 1.5× lasts 10 days.
    expect(budgetForecast(slo(0.5, 1.5))).toBe(
      'Budget exhausted in ~10 days at the current burn (1.50× over 1h)',
    );
    // 16 % of 30 days at 20× lasts about 5.8 hours.
    expect(budgetForecast(slo(0.16, 20))).toMatch(/^Budget exhausted in ~6 h /);
    // 15 % of 4 weeks at 3× lasts 1.4 days.
    expect(budgetForecast(slo(0.15, 3, '4w'))).toMatch(/in ~1 day /);
  });

  it('falls back to the current rate and says when nothing burns or nothing is left', () => {
    expect(budgetForecast(slo(0.5, null, '30d', 0.5))).toMatch(/in ~30 days/);
    expect(budgetForecast(slo(0.5, 0))).toBe('No budget burning now');
    expect(budgetForecast(slo(-0.2, 3))).toBe('Budget exhausted');
    expect(budgetForecast(slo(null, 3))).toBeUndefined();
    expect(budgetForecast(slo(0.5, null, '30d', null))).toBeUndefined();
  });

  it('reads Prometheus durations', () => {
    expect(durationMs('30d')).toBe(30 * 86_400_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('30 days')).toBeUndefined();
  });
});
