import type { FeatureFlag } from '@gantry/plugin-gantry-common';
import { isFullyRolledOut } from './rollout';

const DAY = 86_400_000;

export interface StaleThresholds {
  fullyRolledOutDays: number;
  notEvaluatedDays: number;
}

export const DEFAULT_STALE_THRESHOLDS: StaleThresholds = {
  fullyRolledOutDays: 14,
  notEvaluatedDays: 30,
};

/** Temporary flags are meant to be removed; operational, kill-switch and permission flags live on. */
const TEMPORARY = new Set(['release', 'experiment']);

/** Why a flag looks ready for cleanup; empty when it does not. */
export function staleReasons(
  flag: FeatureFlag,
  now: Date,
  t: StaleThresholds,
): string[] {
  const reasons: string[] = [];
  const days = (iso: string) =>
    Math.floor((now.getTime() - Date.parse(iso)) / DAY);
  if (flag.expiresAt && Date.parse(flag.expiresAt) <= now.getTime()) {
    reasons.push(
      `expired ${days(flag.expiresAt)} day(s) ago (${flag.expiresAt})`,
    );
  }
  if (
    TEMPORARY.has(flag.type) &&
    isFullyRolledOut(flag.definition) &&
    days(flag.updatedAt) >= t.fullyRolledOutDays
  ) {
    reasons.push(
      `serves one variant to everyone, unchanged for ${days(
        flag.updatedAt,
      )} day(s): remove the flag from the code`,
    );
  }
  const lastSeen = flag.lastEvaluatedAt ?? flag.createdAt;
  if (days(lastSeen) >= t.notEvaluatedDays) {
    reasons.push(
      flag.lastEvaluatedAt
        ? `not evaluated for ${days(lastSeen)} day(s)`
        : `never evaluated in ${days(lastSeen)} day(s)`,
    );
  }
  return reasons;
}
