import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Incident } from '@gantry/plugin-gantry-common';
import type { Notifier } from '../kernel/notifier';
import { escalationPolicy, nextEscalation } from './escalation';
import type { IncidentStore } from './IncidentStore';

/**
 * Who hears about an incident: the owners when it opens, then the next group of the
 * entity's escalation policy each time nobody acknowledged it in time.
 */
export class IncidentEscalation {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      catalog: CatalogService;
      auth: AuthService;
      notifier: Notifier;
      logger: LoggerService;
      appBaseUrl?: string;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private link(entityRef: string) {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `${
      this.deps.appBaseUrl ?? ''
    }/catalog/${namespace}/${kind}/${name}/delivery`;
  }

  /** Tells the owner of the entity about a new incident; nobody when it has no owner. */
  async notifyOwners(incident: Incident) {
    const entity = await this.entity(incident.entityRef);
    const owner = escalationPolicy(entity).owner;
    if (!owner) return;
    await this.notify(incident, owner, 'notified');
  }

  private async notify(
    incident: Incident,
    recipient: string,
    kind: 'notified' | 'escalated',
  ) {
    const suspect = incident.suspect
      ? ` Suspect release: ${incident.suspect.revision.slice(0, 7)} in ${
          incident.suspect.environment
        }.`
      : '';
    try {
      await this.deps.notifier.notify({
        recipients: [recipient],
        title: `${kind === 'escalated' ? 'Escalated: ' : ''}Incident on ${
          incident.entityRef
        }: ${incident.title}`,
        description: `Started ${incident.startedAt}.${suspect} Acknowledge it and pick a remedy on the Delivery tab.`,
        link: this.link(incident.entityRef),
        topic: `gantry-incident-${incident.id}`,
      });
    } catch (e) {
      this.deps.logger.warn(
        `Could not notify ${recipient} about incident ${incident.id}: ${e}`,
      );
    }
  }

  /** Re-notifies the next group of every open incident nobody acknowledged in time. */
  async escalate(): Promise<number> {
    const { store } = this.deps;
    const now = this.now();
    let escalated = 0;
    for (const incident of await store.unacknowledged()) {
      const entity = await this.entity(incident.entityRef).catch(
        () => undefined,
      );
      if (!entity) continue;
      let policy;
      try {
        policy = escalationPolicy(entity);
      } catch (e) {
        this.deps.logger.warn(`${incident.entityRef}: ${(e as Error).message}`);
        continue;
      }
      const next = nextEscalation(policy, incident, now);
      if (!next) continue;
      await store.transaction(tx =>
        store.update(
          incident.id,
          { escalationLevel: next.level, lastNotifiedAt: now.toISOString() },
          [
            {
              at: now.toISOString(),
              kind: 'escalated',
              text: `Not acknowledged: notified ${next.recipient} (level ${next.level})`,
            },
          ],
          tx,
        ),
      );
      await this.notify(incident, next.recipient, 'escalated');
      escalated++;
    }
    return escalated;
  }

  private async entity(entityRef: string): Promise<Entity> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}.`);
    return entity;
  }
}
