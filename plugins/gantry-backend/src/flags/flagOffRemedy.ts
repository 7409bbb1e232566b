import type { RemedyProvider } from '../kernel/remedy';

/** Turns a flag off, as the kill switch does (the flags service provides it). */
interface FlagKiller {
  kill(input: {
    entityRef: string;
    environment: string;
    key: string;
    reason: string;
    actor: string;
  }): Promise<unknown>;
}

/** What the flag-off remedy reads of the audit log (AuditService): the flag changes. */
interface ChangeLog {
  list(filter: {
    entityRef: string;
    from: string;
    to: string;
    limit: number;
  }): Promise<Array<{ action: string; occurredAt: string; details?: unknown }>>;
}

/**
 * Turn off each flag of the entity changed (other than by the kill switch) within the
 * correlation window before the incident started, newest change first per flag.
 */
export function flagOffRemedy(deps: {
  audit: ChangeLog;
  flags: FlagKiller;
}): RemedyProvider<'flag-off'> {
  return {
    kind: 'flag-off',
    async offer({ entityRef, window }) {
      const changes = await deps.audit.list({
        entityRef,
        from: window.from,
        to: window.to,
        limit: 200,
      });
      const remedies: Array<{
        kind: 'flag-off';
        environment: string;
        key: string;
        label: string;
      }> = [];
      const seen = new Set<string>();
      for (const c of changes) {
        const d = (c.details ?? {}) as { environment?: string; key?: string };
        if (!c.action.startsWith('flag.') || c.action.startsWith('flag.kill'))
          continue;
        if (!d.environment || !d.key) continue;
        const k = `${d.environment}/${d.key}`;
        if (seen.has(k)) continue;
        seen.add(k);
        remedies.push({
          kind: 'flag-off',
          environment: d.environment,
          key: d.key,
          label: `Turn off flag ${d.key} in ${d.environment} (changed ${c.occurredAt})`,
        });
      }
      return { remedies, errors: [] };
    },
    apply(remedy, { entityRef, incident, actor }) {
      return deps.flags.kill({
        entityRef,
        environment: remedy.environment,
        key: remedy.key,
        reason: `Incident ${incident.id}: ${incident.title}`,
        actor,
      });
    },
  };
}
