import type { SloAlertSeverity } from '@gantry/plugin-gantry-common';
import { formatDuration } from '../kernel/durations';

export interface AlertWindow {
  severity: SloAlertSeverity;
  /** Share of the period's budget the pair guards, in percent. */
  budgetPercent: number;
  shortWindowMs: number;
  longWindowMs: number;
  /** Burn-rate threshold. */
  factor: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Sloth's default windows (the SRE workbook's, plus a 2h/1d ticket pair), used for
 * every period; page quick+slow, then ticket quick+slow.
 */
const WINDOWS: Array<Omit<AlertWindow, 'factor'>> = [
  {
    severity: 'page',
    budgetPercent: 2,
    shortWindowMs: 5 * MINUTE,
    longWindowMs: HOUR,
  },
  {
    severity: 'page',
    budgetPercent: 5,
    shortWindowMs: 30 * MINUTE,
    longWindowMs: 6 * HOUR,
  },
  {
    severity: 'ticket',
    budgetPercent: 10,
    shortWindowMs: 2 * HOUR,
    longWindowMs: 24 * HOUR,
  },
  {
    severity: 'ticket',
    budgetPercent: 10,
    shortWindowMs: 6 * HOUR,
    longWindowMs: 72 * HOUR,
  },
];

/**
 * The four window pairs with their burn-rate factors for a period, derived as Sloth
 * does (internal/alert/window.go): spending `budgetPercent` of the budget within the
 * long window. Keep the operation order so floats equal Sloth's (14.4 for 30d).
 */
export function alertWindows(periodMs: number): AlertWindow[] {
  const periodHours = periodMs / HOUR;
  return WINDOWS.map(w => ({
    ...w,
    factor: (w.budgetPercent * periodHours) / 100 / (w.longWindowMs / HOUR),
  }));
}

/** The distinct alert windows, shortest first: 5m, 30m, 1h, 2h, 6h, 1d, 3d. */
export function burnRateWindows(): string[] {
  const ms = [
    ...new Set(WINDOWS.flatMap(w => [w.shortWindowMs, w.longWindowMs])),
  ].sort((a, b) => a - b);
  return ms.map(formatDuration);
}

/** The longest alert window: a period must be at least this long. */
export const LONGEST_WINDOW_MS = 72 * HOUR;
