import { randomUUID } from 'node:crypto';
import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  DeploymentRecord,
  Incident,
  IncidentTimelineEntry,
} from '@gantry/plugin-gantry-common';
import {
  isZeroTime,
  type AlertmanagerAlert,
  type AlertmanagerWebhook,
} from './alertmanagerPayload';
import { suspectDeployment } from './correlate';
import type { IncidentStore, StoredIncident } from './IncidentStore';

/** Label an alert names its catalog entity with (the generated SLO rules set it). */
const ENTITY_LABEL = 'gantry_entity';
/** Labels tried next, as a component name in the default namespace. */
const SERVICE_LABELS = ['service', 'sloth_service', 'app'];

/** What intake reads of the deployment history (history provides it): an entity's latest deployments. */
export interface RecentDeployments {
  list(q: {
    entityRef: string;
    before: string;
    limit: number;
  }): Promise<{ items: DeploymentRecord[] }>;
}

interface ReceiveResult {
  incidents: string[];
  ignored: Array<{ fingerprint: string; reason: string }>;
}

const iso = (s: string) => new Date(s).toISOString();

/**
 * From alert to incident: records Alertmanager alerts per entity, opens one incident per
 * entity in trouble naming the release that started shortly before it, resolves it when
 * every alert has, and has the owners told about each new one.
 */
export class IncidentIntake {
  constructor(
    private readonly deps: {
      store: IncidentStore;
      history: RecentDeployments;
      escalation: { notifyOwners(incident: Incident): Promise<void> };
      catalog: CatalogService;
      auth: AuthService;
      correlationWindowMs: number;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
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
    for (const incident of toNotify)
      await this.deps.escalation.notifyOwners(incident);
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

    return store.transaction(async tx => {
      const known = await store.findAlert(alert.fingerprint, startsAt, tx);
      let created = false;
      let incidentId = known?.incidentId;
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
}
