import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import { requireDuration } from '../kernel/durations';

const DEFAULT_AFTER_MS = 15 * 60_000;

interface EscalationPolicy {
  /** Level 0 is the owner; level n is levels[n - 1]. */
  owner?: string;
  levels: string[];
  afterMs: number;
}

/** The owner, then the groups of the gantry.dev/escalation annotation, each after gantry.dev/escalation-after. */
export function escalationPolicy(entity: Entity): EscalationPolicy {
  const a = entity.metadata.annotations ?? {};
  return {
    owner:
      typeof entity.spec?.owner === 'string'
        ? (entity.spec.owner as string)
        : undefined,
    levels: (a[ANNOTATIONS.escalation] ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
    afterMs: a[ANNOTATIONS.escalationAfter]
      ? requireDuration(
          a[ANNOTATIONS.escalationAfter],
          `Annotation ${ANNOTATIONS.escalationAfter}`,
        )
      : DEFAULT_AFTER_MS,
  };
}

/**
 * Who to notify next for an unacknowledged incident, or nothing: each level waits
 * `afterMs` since the last notification, and the last level is not repeated.
 */
export function nextEscalation(
  policy: EscalationPolicy,
  incident: { escalationLevel: number; lastNotifiedAt?: string },
  now: Date,
): { level: number; recipient: string } | undefined {
  const level = incident.escalationLevel + 1;
  if (level > policy.levels.length) return undefined;
  const last = incident.lastNotifiedAt
    ? Date.parse(incident.lastNotifiedAt)
    : 0;
  if (now.getTime() - last < policy.afterMs) return undefined;
  return { level, recipient: policy.levels[level - 1] };
}
