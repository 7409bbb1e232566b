import { randomUUID } from 'node:crypto';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  Incident,
  IncidentDetail,
  IncidentRemedy,
  IncidentTimelineEntry,
} from '@gantry/plugin-gantry-common';
import type { Notifier } from '../kernel/notifier';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ArgoCdActionService } from '../deployments/ArgoCdActionService';
import type { DeploymentsService } from '../deployments/DeploymentsService';
import type { DeploymentHistoryService } from '../history/DeploymentHistoryService';
import type { RolloutActionService } from '../rollouts/RolloutActionService';
import {
  isZeroTime,
  type AlertmanagerAlert,
  type AlertmanagerWebhook,
} from './alertmanagerPayload';
import { previousDeployment, suspectDeployment } from './correlate';
import { escalationPolicy, nextEscalation } from './escalation';
import type { IncidentStore, StoredIncident } from './IncidentStore';

/** Label an alert names its catalog entity with (the generated SLO rules set it). */
export const ENTITY_LABEL = 'gantry_entity';
/** Labels tried next, as a component name in the default namespace. */
const SERVICE_LABELS = ['service', 'sloth_service', 'app'];

/** Turns a flag off for the flag-off remedy; the flags domain provides it. */
export interface FlagKiller {
  kill(input: {
    entityRef: string;
    environment: string;
    key: string;
    reason: string;
    actor: string;
  }): Promise<unknown>;
}

/** A remedy named by its kind and target, as the UI sends it back. */
export type RemedyRequest = DistributiveOmit<IncidentRemedy, 'label'>;
type DistributiveOmit<T, K extends keyof any> = T extends any
  ? Omit<T, K>
  : never;

function sameRemedy(r: IncidentRemedy, q: RemedyRequest): boolean {
  const { label: _label, ...target } = r;
  return (
    Object.keys(target).length === Object.keys(q).length &&
    Object.entries(target).every(([k, v]) => (q as any)[k] === v)
  );
}

export interface ReceiveResult {
  incidents: string[];
  ignored: Array<{ fingerprint: string; reason: string }>;
}

const iso = (s: string) => new Date(s).toISOString();

/**
 * From alert to incident: records Alertmanager alerts per entity, opens one incident
 * per entity in trouble, names the release that started shortly before it, notifies
 * the owners and escalates while nobody acknowledges, and offers the remedies the
 * Delivery tab has (abort, roll back, turn a flag off) through the same services.
 */
export class IncidentService {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      history: DeploymentHistoryService;
      deployments: DeploymentsService;
      rollouts: RolloutActionService;
      argocdActions: ArgoCdActionService;
      flags?: FlagKiller;
      audit: AuditService;
      catalog: CatalogService;
      auth: AuthService;
      userInfo: UserInfoService;
      notifier: Notifier;
      logger: LoggerService;
      correlationWindowMs: number;
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

  async receive(payload: AlertmanagerWebhook): Promise<ReceiveResult> {
    const result: ReceiveResult = { incidents: [], ignored: [] };
    const toNotify: StoredIncident[] = [];
    for (const alert of payload.alerts) {
      const entity = await this.entityOf(alert);
      if (!entity) {
        result.ignored.push({
          fingerprint: alert.fingerprint,
          reason: `No catalog entity for this alert: label it ${ENTITY_LABEL}="component:<namespace>/<name>" (or service=<component name>).`,
        });
        continue;
      }
      const opened = await this.recordAlert(alert, stringifyEntityRef(entity));
      if (!result.incidents.includes(opened.incident.id))
        result.incidents.push(opened.incident.id);
      if (opened.created) toNotify.push(opened.incident);
    }
    for (const incident of toNotify) await this.notifyOwners(incident);
    return result;
  }

  private async recordAlert(
    alert: AlertmanagerAlert,
    entityRef: string,
  ): Promise<{ incident: StoredIncident; created: boolean }> {
    const { store } = this.deps;
    const startsAt = iso(alert.startsAt);
    const endsAt =
      alert.status === 'resolved' && !isZeroTime(alert.endsAt)
        ? iso(alert.endsAt)
        : undefined;
    const alertname = alert.labels.alertname ?? 'unnamed alert';
    const suspect = await this.suspectFor(entityRef, startsAt, alert);

    return store.db.transaction(async tx => {
      const known = await store.findAlert(alert.fingerprint, startsAt, tx);
      let created = false;
      let incidentId = known?.incident_id;
      if (!incidentId) {
        const open = await store.openFor(entityRef, tx);
        if (open) {
          incidentId = open.id;
          await store.update(
            open.id,
            startsAt < open.startedAt ? { startedAt: startsAt } : {},
            [
              {
                at: this.now().toISOString(),
                kind: 'alert-firing',
                text: `${alertname} firing`,
              },
            ],
            tx,
          );
        } else {
          incidentId = randomUUID();
          created = true;
          const now = this.now().toISOString();
          await store.insertIncident(
            {
              id: incidentId,
              entityRef,
              title: alert.annotations.summary
                ? `${alertname}: ${alert.annotations.summary}`
                : alertname,
              severity: alert.labels.severity,
              status: 'open',
              startedAt: startsAt,
              detectedAt: now,
              suspect,
              escalationLevel: 0,
              lastNotifiedAt: now,
              alerts: [],
              timeline: [
                {
                  at: startsAt,
                  kind: 'alert-firing',
                  text: `${alertname} firing`,
                },
                {
                  at: now,
                  kind: 'opened',
                  text: suspect
                    ? `Opened; suspect release ${suspect.revision.slice(
                        0,
                        7,
                      )} deployed to ${suspect.environment} at ${
                        suspect.startedAt
                      }`
                    : 'Opened; no deployment started within the correlation window',
                },
              ],
            },
            tx,
          );
        }
      }
      const wasFiring = known?.status === 'firing';
      await store.upsertAlert(
        {
          fingerprint: alert.fingerprint,
          startsAt,
          incidentId,
          entityRef,
          alertname,
          severity: alert.labels.severity,
          status: alert.status,
          endsAt,
          labels: alert.labels,
          annotations: alert.annotations,
          generatorUrl: alert.generatorURL || undefined,
        },
        tx,
      );
      if (alert.status === 'resolved' && (wasFiring || !known)) {
        const firing = await store.firingCount(incidentId, tx);
        const append: IncidentTimelineEntry[] = [
          {
            at: endsAt ?? this.now().toISOString(),
            kind: 'alert-resolved',
            text: `${alertname} resolved`,
          },
        ];
        if (firing === 0) {
          const resolvedAt = endsAt ?? this.now().toISOString();
          append.push({
            at: resolvedAt,
            kind: 'resolved',
            text: 'Every alert resolved',
          });
          await store.update(
            incidentId,
            { status: 'resolved', resolvedAt },
            append,
            tx,
          );
        } else {
          await store.update(incidentId, {}, append, tx);
        }
      }
      return { incident: (await store.get(incidentId, tx))!, created };
    });
  }

  private async suspectFor(
    entityRef: string,
    startsAt: string,
    alert: AlertmanagerAlert,
  ) {
    const { items } = await this.deps.history.list({
      entityRef,
      before: new Date(Date.parse(startsAt) + 1).toISOString(),
      limit: 50,
    });
    return suspectDeployment(
      items,
      startsAt,
      this.deps.correlationWindowMs,
      alert.labels.environment ?? alert.labels.env,
    );
  }

  private async entityOf(alert: AlertmanagerAlert) {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const candidates: string[] = [];
    if (alert.labels[ENTITY_LABEL]) candidates.push(alert.labels[ENTITY_LABEL]);
    for (const l of SERVICE_LABELS)
      if (alert.labels[l])
        candidates.push(`component:default/${alert.labels[l]}`);
    for (const c of candidates) {
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(c, { defaultKind: 'component' }),
        );
      } catch {
        continue;
      }
      const entity = await this.deps.catalog.getEntityByRef(ref, {
        credentials,
      });
      if (entity) return entity;
    }
    return undefined;
  }

  private async notifyOwners(incident: Incident) {
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
    const now = this.now();
    let escalated = 0;
    for (const incident of await this.deps.store.unacknowledged()) {
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
      await this.deps.store.db.transaction(tx =>
        this.deps.store.update(
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

  async acknowledge(id: string, entityRef: string, actor: string) {
    const incident = await this.get(id, entityRef);
    if (incident.status !== 'open') return incident;
    const at = this.now().toISOString();
    await this.deps.store.db.transaction(async tx => {
      await this.deps.store.update(
        id,
        { status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: actor },
        [{ at, kind: 'acknowledged', text: 'Acknowledged', actor }],
        tx,
      );
      await this.deps.audit.record(
        {
          actor,
          action: 'incident.acknowledge',
          entityRef,
          details: { incident: id },
        },
        tx,
      );
    });
    return (await this.deps.store.get(id))!;
  }

  async get(id: string, entityRef: string): Promise<StoredIncident> {
    const incident = await this.deps.store.get(id);
    if (!incident || incident.entityRef !== entityRef)
      throw new NotFoundError(`No incident ${id} on ${entityRef}.`);
    return incident;
  }

  async listForEntity(entityRef: string) {
    return this.deps.store.list({ entityRefs: [entityRef], limit: 50 });
  }

  /** Open incidents across the entities the caller owns, for the on-call page. */
  async listOwned(credentials: BackstageCredentials) {
    const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
      credentials,
    );
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { 'relations.ownedBy': ownershipEntityRefs },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    if (items.length === 0) return [];
    return this.deps.store.list({
      entityRefs: items.map(e => stringifyEntityRef(e)),
      statuses: ['open', 'acknowledged'],
      limit: 200,
    });
  }

  /** The incident with the remedies that apply now, worked out from the live pipeline. */
  async detail(
    entity: Entity,
    entityRef: string,
    id: string,
  ): Promise<IncidentDetail> {
    const incident = await this.get(id, entityRef);
    const errors: string[] = [];
    const remedies: IncidentRemedy[] = [];
    const { suspect } = incident;
    if (suspect && incident.status !== 'resolved') {
      const view = await this.deps.deployments.forEntity(entity, entityRef);
      errors.push(...view.errors.map(e => `${e.source}: ${e.message}`));
      const app = view.applications.find(
        a => a.name === suspect.application && a.instance === suspect.instance,
      );
      for (const r of app?.rollouts ?? []) {
        if (!r.aborted && !r.fullyPromoted)
          remedies.push({
            kind: 'abort-rollout',
            cluster: r.cluster,
            namespace: r.namespace,
            name: r.name,
            label: `Abort rollout ${r.namespace}/${r.name}${
              r.release ? ` (${r.release})` : ''
            }`,
          });
      }
      const { items } = await this.deps.history.list({
        entityRef,
        environment: suspect.environment,
        before: new Date(Date.parse(suspect.startedAt) + 1).toISOString(),
        limit: 50,
      });
      const previous = previousDeployment(items, suspect);
      const entry = previous
        ? app?.history.find(h => h.revisions.join(',') === previous.revision)
        : undefined;
      if (app && previous && entry)
        remedies.push({
          kind: 'argocd-rollback',
          instance: app.instance,
          application: app.name,
          historyId: entry.id,
          revision: previous.revision,
          label: `Roll ${app.name} back to ${previous.revision.slice(0, 7)}`,
        });
      const from = new Date(
        Date.parse(incident.startedAt) - this.deps.correlationWindowMs,
      ).toISOString();
      const changes = await this.deps.audit.list({
        entityRef,
        from,
        to: incident.startedAt,
        limit: 200,
      });
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
    }
    const policy = escalationPolicy(entity);
    return {
      ...incident,
      remedies,
      owners: [policy.owner, ...policy.levels].filter(Boolean) as string[],
      errors,
    };
  }

  /** Applies one remedy through the service the Delivery tab action uses. */
  async applyRemedy(input: {
    entity: Entity;
    entityRef: string;
    id: string;
    /** What the caller saw offered; applied only if it still applies. */
    requested: RemedyRequest;
    actor: string;
  }) {
    const { entity, entityRef, actor } = input;
    const incident = await this.detail(entity, entityRef, input.id);
    if (incident.status === 'resolved')
      throw new ConflictError(
        `Incident ${incident.id} is resolved; make further changes from the Delivery tab.`,
      );
    const remedy = incident.remedies.find(r => sameRemedy(r, input.requested));
    if (!remedy)
      throw new ConflictError(
        `That remedy no longer applies to incident ${
          incident.id
        }. Reload the incident to see the remedies that do: ${
          incident.remedies.map(r => r.label).join('; ') || 'none'
        }.`,
      );
    let result: unknown;
    if (remedy.kind === 'abort-rollout') {
      result = await this.deps.rollouts.act({
        entity,
        entityRef,
        cluster: remedy.cluster,
        namespace: remedy.namespace,
        name: remedy.name,
        action: 'abort',
        actor,
      });
    } else if (remedy.kind === 'argocd-rollback') {
      result = await this.deps.argocdActions.act({
        entity,
        entityRef,
        instance: remedy.instance,
        name: remedy.application,
        action: 'rollback',
        historyId: remedy.historyId,
        actor,
      });
    } else {
      if (!this.deps.flags)
        throw new InputError('Feature flags are not enabled on this backend.');
      result = await this.deps.flags.kill({
        entityRef,
        environment: remedy.environment,
        key: remedy.key,
        reason: `Incident ${incident.id}: ${incident.title}`,
        actor,
      });
    }
    const at = this.now().toISOString();
    await this.deps.store.db.transaction(tx =>
      this.deps.store.update(
        incident.id,
        {},
        [{ at, kind: 'remedy', text: remedy.label, actor }],
        tx,
      ),
    );
    return { remedy: remedy.kind, result };
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
