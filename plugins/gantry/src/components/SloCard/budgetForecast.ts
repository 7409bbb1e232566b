import type { SloStatus } from '@gantry/plugin-gantry-common';

const UNIT_MS: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** A Prometheus duration (`30d`, `4w`, `1h30m`) in milliseconds; undefined when unreadable. */
export function durationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

/**
 * When the error budget runs out if the service keeps burning as it does now: a burn
 * rate of 1 spends the whole budget in one period, so the remaining share lasts
 * remaining × period / burn rate. "Now" is the 1h window (the 5m one swings with every
 * blip), the current 5m rate when Prometheus has no 1h figure. Old errors leaving the
 * rolling window are ignored, hence "~".
 */
export function budgetForecast(slo: SloStatus): string | undefined {
  const remaining = slo.budget.remaining;
  const period = durationMs(slo.period);
  const burn =
    slo.burnRates.find(r => r.window === '1h')?.burnRate ?? slo.currentBurnRate;
  if (remaining === null || period === undefined || burn === null)
    return undefined;
  if (remaining <= 0) return 'Budget exhausted';
  if (burn <= 0) return 'No budget burning now';
  const days = (remaining * period) / burn / 86_400_000;
  const when =
    days < 1
      ? `~${Math.max(1, Math.round(days * 24))} h`
      : `~${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'}`;
  return `Budget exhausted in ${when} at the current burn (${burn.toFixed(
    2,
  )}× over 1h)`;
}
