import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATIONS,
  type DeploymentHistoryPage,
  type DeploymentRecord,
  type DoraPeriod,
  type DoraView,
  type RollbackMeasurement,
  type RollbackObjectives,
} from '@gantry/plugin-gantry-common';
import type { Notifier } from '../kernel/notifier';
import type { GantryConfig } from '../kernel/config/gantryConfig';
import { computeDora, median, periodWindows, trendBuckets } from './dora';
import type { DeploymentStore, SyncObservation } from './DeploymentStore';
import {
  computeRollbackObjectives,
  measureRollbacks,
} from './rollbackObjectives';
import type { DeploymentEvent } from './webhookPayloads';

const ROLLOUT_OUTCOME = {
  'rollout-completed': 'completed',
  'rollout-aborted': 'aborted',
  'analysis-run-failed': 'failed',
} as const;

/** How far back a webhook looks for the failure a deployment may have restored. */
const RESTORE_LOOKBACK_MS = 30 * 86_400_000;

const DEFAULT_OBJECTIVES: RollbackObjectives = {
  timeToRestoreSeconds: 300,
  timeToRecoverSeconds: 900,
};

const minutes = (s: number) =>
  s < 60 ? `${Math.round(s)} s` : `${Math.round((s / 60) * 10) / 10} min`;

/** Earlier deployments looked at to tell a rollback from a new release. */
const ROLLBACK_LOOKBACK = 50;

const matchesSelector = (selector: string, labels: Record<string, string>) =>
  selector
    .split(',')
    .map(p => p.split('=').map(s => s.trim()))
    .every(([k, v]) => k && labels[k] === v);

/** One key for single- and multi-source syncs: the revisions of every source, in order. */
const revisionOf = (h: { revision?: string; revisions?: string[] }) =>
  h.revisions?.length ? h.revisions.join(',') : h.revision ?? '';

interface IngestResult {
  entityRef: string;
  environment: string;
  application: string;
  revision: string;
  startedAt: string;
}

/** What the DORA figures need from incidents: when each was detected and restored. */
interface IncidentTimes {
  between(
    entityRef: string,
    from: string,
    to: string,
  ): Promise<
    Array<{ timeToDetectSeconds?: number; timeToRestoreSeconds?: number }>
  >;
}

/**
 * Deployment history beyond Argo CD's own limit (it keeps ten by default): fed by the
 * Argo CD and Argo Rollouts notification webhooks and backfilled from Argo CD history
 * whenever an entity's pipeline is read; DORA figures are computed from it.
 */
export class DeploymentHistoryService {
  constructor(
    private readonly deps: {
      store: DeploymentStore;
      catalog: CatalogService;
      auth: AuthService;
      config: GantryConfig;
      /** Incidents feed time to detect and restore; see useIncidents. */
      incidents?: IncidentTimes;
      /** Rollback time objectives (gantry.dora.objectives); 5 and 15 minutes by default. */
      objectives?: RollbackObjectives;
      /** Tells an entity's owner when a restore missed an objective. */
      notifier?: Notifier;
      appBaseUrl?: string;
      logger?: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** The incidents domain registers itself here: it is built after history, which it reads. */
  useIncidents(incidents: IncidentTimes) {
    this.deps.incidents = incidents;
  }

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private get objectives() {
    return this.deps.objectives ?? DEFAULT_OBJECTIVES;
  }

  async ingest(event: DeploymentEvent): Promise<IngestResult> {
    const instance = this.instanceOf(event.instance);
    const { entity, entityRef, environment } = await this.resolve(event);
    const restoredBefore = await this.restoredFailures(entityRef, environment);
    const result = await this.record(event, instance, entityRef, environment);
    // The deployment is stored: a notice that cannot be sent must not make the
    // webhook fail (and be redelivered for nothing).
    await this.alertMissedObjectives(
      entity,
      entityRef,
      environment,
      restoredBefore,
    ).catch(e =>
      this.deps.logger?.warn(
        `Could not send the rollback objective notice for ${entityRef} (${environment}): ${e}`,
      ),
    );
    return result;
  }

  /** Failed changes of the last month already restored (or given up on), by deployment id. */
  private async restoredFailures(entityRef: string, environment: string) {
    const now = this.now();
    const all = await this.deps.store.between(
      entityRef,
      environment,
      new Date(now.getTime() - RESTORE_LOOKBACK_MS).toISOString(),
      new Date(now.getTime() + 86_400_000).toISOString(),
    );
    return measureRollbacks(all, this.objectives, now);
  }

  /**
   * Notifies the owner of each failure this webhook restored late. Comparing with the
   * measurements before the webhook makes a redelivered webhook notify nobody again.
   */
  private async alertMissedObjectives(
    entity: Entity,
    entityRef: string,
    environment: string,
    before: RollbackMeasurement[],
  ) {
    const { notifier } = this.deps;
    const owner = entity.spec?.owner;
    if (!notifier || typeof owner !== 'string') return;
    const known = new Set(
      before.filter(m => m.restoredAt).map(m => m.deploymentId),
    );
    const late = (await this.restoredFailures(entityRef, environment)).filter(
      m =>
        m.restoredAt &&
        !known.has(m.deploymentId) &&
        (m.restoreMet === false || m.recoverMet === false),
    );
    const { timeToRestoreSeconds: restore, timeToRecoverSeconds: recover } =
      this.objectives;
    for (const m of late) {
      await notifier.notify({
        recipients: [owner],
        title: `Rollback objective missed: ${entity.metadata.name} in ${environment}`,
        description: `Revision ${m.revision.slice(0, 12)} (${
          m.cause
        }) was restored in ${minutes(
          m.timeToRestoreSeconds!,
        )} after it was detected (objective ${minutes(
          restore,
        )}) and recovered in ${minutes(
          m.timeToRecoverSeconds!,
        )} after it went live (objective ${minutes(
          recover,
        )}). See the DORA card for every rollback.`,
        link: `${this.deps.appBaseUrl ?? ''}/catalog/${
          entity.metadata.namespace ?? 'default'
        }/${entity.kind.toLocaleLowerCase('en-US')}/${
          entity.metadata.name
        }/delivery`,
        topic: `gantry-rollback-objective-${entityRef}-${environment}`,
      });
    }
  }

  private async record(
    event: DeploymentEvent,
    instance: string,
    entityRef: string,
    environment: string,
  ): Promise<IngestResult> {
    if (event.source === 'argocd') {
      const manual =
        event.initiatedBy?.automated === false &&
        Boolean(event.initiatedBy.username);
      await this.deps.store.upsertSync({
        entityRef,
        environment,
        instance,
        application: event.application,
        revision: event.revision,
        commitTime: event.commitTime,
        startedAt: event.startedAt,
        finishedAt: event.finishedAt,
        phase: event.phase,
        rollback:
          event.rollback ??
          (await this.isRollback(
            entityRef,
            environment,
            event.revision,
            event.startedAt,
          )),
        manualIntervention: manual,
        initiator: event.initiatedBy?.username,
        source: 'argocd-notification',
        message: event.message,
      });
      return {
        entityRef,
        environment,
        application: event.application,
        revision: event.revision,
        startedAt: event.startedAt,
      };
    }

    // A Rollout finishing ends the sync operation that started it.
    const at = event.at ?? this.now().toISOString();
    let deployment = await this.deps.store.latestOf(
      instance,
      event.application,
      at,
    );
    if (!deployment) {
      await this.deps.store.upsertSync({
        entityRef,
        environment,
        instance,
        application: event.application,
        revision: event.revision ?? `rollout/${event.rollout}`,
        startedAt: at,
        phase: 'Succeeded',
        rollback: false,
        manualIntervention: false,
        source: 'rollouts-notification',
        message: event.message,
      });
      deployment = (await this.deps.store.latestOf(
        instance,
        event.application,
        at,
      ))!;
    }
    await this.deps.store.setRolloutOutcome(
      deployment.id,
      ROLLOUT_OUTCOME[event.event],
      at,
    );
    return {
      entityRef,
      environment,
      application: event.application,
      revision: deployment.revision,
      startedAt: deployment.startedAt,
    };
  }

  /** Stores an Application's Argo CD history and current operation; known ones are kept as they are. */
  async backfill(input: {
    entityRef: string;
    environment: string;
    instance: string;
    app: any;
    commitTime?: string;
  }) {
    const { app } = input;
    const history: any[] = app.status?.history ?? [];
    const entries: SyncObservation[] = history
      .filter(h => h.deployStartedAt || h.deployedAt)
      .map((h, i) => {
        const revision = revisionOf(h);
        const earlier = history.slice(0, i).map(revisionOf);
        return {
          entityRef: input.entityRef,
          environment: input.environment,
          instance: input.instance,
          application: app.metadata.name,
          revision,
          startedAt: new Date(h.deployStartedAt ?? h.deployedAt).toISOString(),
          finishedAt: h.deployedAt
            ? new Date(h.deployedAt).toISOString()
            : undefined,
          phase: 'Succeeded' as const,
          rollback:
            i > 0 && earlier[i - 1] !== revision && earlier.includes(revision),
          manualIntervention:
            h.initiatedBy?.automated === false &&
            Boolean(h.initiatedBy?.username),
          initiator: h.initiatedBy?.username,
          source: 'argocd-history' as const,
          commitTime: i === history.length - 1 ? input.commitTime : undefined,
        };
      });
    await this.deps.store.insertHistory(entries);
    const op = app.status?.operationState;
    const opRevision = op?.syncResult ? revisionOf(op.syncResult) : '';
    if (op?.startedAt && opRevision && op.phase !== 'Succeeded') {
      await this.deps.store.upsertSync({
        entityRef: input.entityRef,
        environment: input.environment,
        instance: input.instance,
        application: app.metadata.name,
        revision: opRevision,
        startedAt: new Date(op.startedAt).toISOString(),
        finishedAt: op.finishedAt
          ? new Date(op.finishedAt).toISOString()
          : undefined,
        phase: op.phase,
        rollback: false,
        manualIntervention: false,
        initiator: op.operation?.initiatedBy?.username,
        source: 'argocd-history',
        message: op.message,
      });
    }
  }

  async markManualIntervention(entityRef: string, environment: string) {
    await this.deps.store.markManualIntervention(
      entityRef,
      environment,
      this.now().toISOString(),
    );
  }

  async list(q: {
    entityRef: string;
    environment?: string;
    before?: string;
    limit: number;
  }): Promise<DeploymentHistoryPage> {
    const items = await this.deps.store.list({ ...q, limit: q.limit + 1 });
    const page = items.slice(0, q.limit);
    return {
      items: page,
      nextBefore:
        items.length > q.limit ? page[page.length - 1].startedAt : undefined,
    };
  }

  /** Every deployment of one entity and environment that started in [from, to), oldest first. */
  async between(
    entityRef: string,
    environment: string,
    from: string,
    to: string,
  ): Promise<DeploymentRecord[]> {
    return this.deps.store.between(entityRef, environment, from, to);
  }

  async dora(
    entityRef: string,
    environment: string,
    period: DoraPeriod,
  ): Promise<DoraView> {
    const { from, to, previousFrom } = periodWindows(period, this.now());
    // Reach a period past `to` is impossible; reaching back one more period covers the
    // previous window, and the history after each deployment inside it is included.
    const all = await this.deps.store.between(
      entityRef,
      environment,
      previousFrom,
      to,
    );
    const incidents = await this.deps.incidents?.between(entityRef, from, to);
    const values = (k: 'timeToDetectSeconds' | 'timeToRestoreSeconds') =>
      (incidents ?? []).flatMap(i => (i[k] === undefined ? [] : [i[k]!]));
    return {
      entityRef,
      environment,
      period,
      from,
      to,
      ...(incidents
        ? {
            incidents: {
              count: incidents.length,
              timeToDetectSeconds: median(values('timeToDetectSeconds')),
              timeToRestoreSeconds: median(values('timeToRestoreSeconds')),
            },
          }
        : {}),
      current: computeDora(all, from, to),
      previous: computeDora(all, previousFrom, from),
      trend: trendBuckets(period, from, to).map(b => ({
        start: b.from,
        ...computeDora(all, b.from, b.to),
      })),
      rollbackObjectives: computeRollbackObjectives(
        all,
        from,
        to,
        this.objectives,
        this.now(),
      ),
    };
  }

  private instanceOf(name?: string): string {
    const instances = this.deps.config.argocdInstances;
    if (name) {
      if (instances.length && !instances.some(i => i.name === name)) {
        throw new InputError(
          `Unknown Argo CD instance '${name}'. Configured instances: ${instances
            .map(i => i.name)
            .join(
              ', ',
            )}. Send one of these in "instance", or add it under gantry.argocd.instances.`,
        );
      }
      return name;
    }
    return instances.length === 1 ? instances[0].name : 'default';
  }

  private async isRollback(
    entityRef: string,
    environment: string,
    revision: string,
    startedAt: string,
  ): Promise<boolean> {
    const earlier = (
      await this.deps.store.list({
        entityRef,
        environment,
        before: startedAt,
        limit: ROLLBACK_LOOKBACK,
      })
    ).filter(d => d.outcome === 'succeeded');
    return (
      earlier.length > 0 &&
      earlier[0].revision !== revision &&
      earlier.some(d => d.revision === revision)
    );
  }

  /** The catalog entity and environment a webhook is about. */
  private async resolve(
    event: DeploymentEvent,
  ): Promise<{ entity: Entity; entityRef: string; environment: string }> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    let entity: Entity | undefined;
    if (event.entityRef) {
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(event.entityRef, { defaultKind: 'component' }),
        );
      } catch (e) {
        throw new InputError(
          `entityRef '${event.entityRef}' is not an entity reference; use kind:namespace/name, e.g. component:default/payments.`,
        );
      }
      entity = await this.deps.catalog.getEntityByRef(ref, { credentials });
      if (!entity)
        throw new InputError(
          `No entity ${ref} in the catalog. Register it, or drop "entityRef" and let Gantry find the entity by its argocd/app-name annotation.`,
        );
    } else {
      const byName = await this.deps.catalog.getEntities(
        {
          filter: {
            [`metadata.annotations.${ANNOTATIONS.argocdAppName}`]:
              event.application,
          },
        },
        { credentials },
      );
      entity = byName.items[0];
      if (!entity && event.labels) {
        const bySelector = await this.deps.catalog.getEntities(
          {
            filter: {
              [`metadata.annotations.${ANNOTATIONS.argocdAppSelector}`]:
                CATALOG_FILTER_EXISTS,
            },
          },
          { credentials },
        );
        entity = bySelector.items.find(e =>
          matchesSelector(
            e.metadata.annotations![ANNOTATIONS.argocdAppSelector],
            event.labels!,
          ),
        );
      }
      if (!entity) {
        throw new InputError(
          `No catalog entity is annotated for Argo CD application '${event.application}'. Annotate its entity with ${ANNOTATIONS.argocdAppName}: ${event.application} (or an ${ANNOTATIONS.argocdAppSelector} matching the labels sent in "labels"), or send "entityRef".`,
        );
      }
    }
    const environment =
      event.environment ?? event.labels?.[this.deps.config.environmentLabel];
    if (!environment) {
      throw new InputError(
        `Cannot tell which environment application '${event.application}' deploys to. Label the Application ${this.deps.config.environmentLabel}=<environment> and send its labels, or send "environment".`,
      );
    }
    return { entity, entityRef: stringifyEntityRef(entity), environment };
  }
}
