import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type ApplicationView,
  type DeploymentsView,
} from '@gantry/plugin-gantry-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GantryConfig } from '../kernel/config/gantryConfig';
import type { ArgoCdClient } from '../providers/ArgoCdClient';
import type { RolloutsClient } from '../providers/RolloutsClient';
import { entitySelector } from '../kernel/entitySelector';
import { matchesLabels, type LabelSelector } from '../kernel/labelSelector';
import { rolloutView } from './rolloutView';
import { applicationView } from './applicationView';
import { clusterOf } from './clusterOf';
import type { MigrationSteps } from './MigrationSteps';

/**
 * An entity's pipeline: its Argo CD Applications (found by the argocd/* annotations other
 * Argo CD plugins use) ordered by the promotion order, each with the Argo Rollouts in its
 * destination namespace and their AnalysisRuns. A source that fails is reported in
 * `errors` and the rest is still shown.
 */
/** Where Argo CD's own history of an application is kept beyond its limit (history provides it). */
export interface ArgoCdHistorySink {
  backfill(input: {
    entityRef: string;
    environment: string;
    instance: string;
    app: any;
    commitTime?: string;
  }): Promise<unknown>;
}

export class DeploymentsService {
  constructor(
    private readonly deps: {
      argocd: ArgoCdClient;
      rollouts: RolloutsClient;
      config: GantryConfig;
      /** Keeps what Argo CD shows beyond its own history limit. */
      history?: ArgoCdHistorySink;
      logger?: LoggerService;
      /** The migration step of each environment's last sync, with the release's report. */
      migrations?: MigrationSteps;
    },
  ) {}

  async forEntity(entity: Entity, entityRef: string): Promise<DeploymentsView> {
    const { config } = this.deps;
    const a = entity.metadata.annotations ?? {};
    const errors: DeploymentsView['errors'] = [];
    const wanted = (a[ANNOTATIONS.argocdInstanceName] ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    const instances = wanted.length
      ? this.deps.argocd.names().filter(n => wanted.includes(n))
      : this.deps.argocd.names();
    const projects = a[ANNOTATIONS.argocdProjectName]
      ? [a[ANNOTATIONS.argocdProjectName]]
      : undefined;
    const appNamespace = a[ANNOTATIONS.argocdAppNamespace];

    const found: Array<{ instance: string; app: any }> = [];
    await Promise.all(
      instances.map(async instance => {
        try {
          if (a[ANNOTATIONS.argocdAppSelector]) {
            const apps = await this.deps.argocd.listApplications(instance, {
              selector: a[ANNOTATIONS.argocdAppSelector],
              projects,
              appNamespace,
            });
            found.push(...apps.map(app => ({ instance, app })));
          } else if (a[ANNOTATIONS.argocdAppName]) {
            found.push({
              instance,
              app: await this.deps.argocd.getApplication(
                instance,
                a[ANNOTATIONS.argocdAppName],
                appNamespace,
              ),
            });
          }
        } catch (e) {
          // an app named on one instance is usually absent from the others
          if ((e as Error).name !== 'NotFoundError' || wanted.length) {
            errors.push({
              source: `argocd:${instance}`,
              message: (e as Error).message,
            });
          }
        }
      }),
    );

    let selector: LabelSelector | undefined;
    try {
      selector = entitySelector(entity);
    } catch (e) {
      errors.push({ source: 'catalog', message: (e as Error).message });
    }
    const order = (env: string) => {
      const i = config.environments.indexOf(env);
      return i < 0 ? config.environments.length : i;
    };
    const applications: ApplicationView[] = await Promise.all(
      found.map(async ({ instance, app }) => {
        const view = {
          ...applicationView(instance, app, config.environmentLabel),
          ...(config.argocdInstances.find(i => i.name === instance)?.demo
            ? { demo: true }
            : {}),
        };
        const [rollouts, commit, migration] = await Promise.all([
          this.rolloutsFor(view, selector, errors),
          this.commitOf(instance, app, view, errors),
          this.migrationOf(entityRef, instance, app, appNamespace, errors),
        ]);
        await this.backfill(entityRef, instance, app, view.environment, commit);
        return {
          ...view,
          commit,
          rollouts,
          ...(migration ? { migration } : {}),
        };
      }),
    );
    applications.sort(
      (x, y) =>
        order(x.environment) - order(y.environment) ||
        x.name.localeCompare(y.name),
    );
    return {
      entityRef,
      environments: config.environments,
      configured: {
        argocd: config.argocdInstances.length > 0,
        kubernetes: config.kubernetesClusters.length > 0,
      },
      applications,
      errors,
    };
  }

  /** Reading the pipeline never fails because the history could not be stored. */
  private async backfill(
    entityRef: string,
    instance: string,
    app: any,
    environment: string,
    commit?: { date?: string },
  ) {
    try {
      await this.deps.history?.backfill({
        entityRef,
        environment,
        instance,
        app,
        commitTime: commit?.date
          ? new Date(commit.date).toISOString()
          : undefined,
      });
    } catch (e) {
      this.deps.logger?.warn(
        `Could not store Argo CD history of ${instance}/${app.metadata?.name}: ${e}`,
      );
    }
  }

  private async migrationOf(
    entityRef: string,
    instance: string,
    app: any,
    appNamespace: string | undefined,
    errors: DeploymentsView['errors'],
  ) {
    try {
      return await this.deps.migrations?.step(
        entityRef,
        instance,
        app,
        appNamespace,
      );
    } catch (e) {
      errors.push({
        source: `argocd:${instance}`,
        message: `Migration step of ${app.metadata?.name}: ${
          (e as Error).message
        }`,
      });
      return undefined;
    }
  }

  /** The commit of the first Git source (a multi-source app may start with a Helm chart). */
  private async commitOf(
    instance: string,
    app: any,
    view: Omit<ApplicationView, 'rollouts'>,
    errors: DeploymentsView['errors'],
  ) {
    const index = view.sources.findIndex(s => !s.chart);
    const revision = index < 0 ? undefined : view.revisions[index];
    if (!revision) return undefined;
    try {
      const m = await this.deps.argocd.revisionMetadata(
        instance,
        app.metadata.name,
        revision,
        app.spec?.sources ? index : undefined,
      );
      return { author: m.author, date: m.date, message: m.message };
    } catch (e) {
      errors.push({
        source: `argocd:${instance}`,
        message: (e as Error).message,
      });
      return undefined;
    }
  }

  private async rolloutsFor(
    view: Omit<ApplicationView, 'rollouts'>,
    selector: LabelSelector | undefined,
    errors: DeploymentsView['errors'],
  ) {
    const namespace = view.destination.namespace;
    if (!selector || !namespace) return [];
    const { cluster, problem } = clusterOf(view, this.deps.config);
    if (problem)
      errors.push({ source: `argocd:${view.instance}`, message: problem });
    if (!cluster) return [];
    try {
      const [listed, runs] = await Promise.all([
        this.deps.rollouts.listRollouts(cluster, namespace, selector.text),
        this.deps.rollouts.listAnalysisRuns(cluster, namespace),
      ]);
      const rollouts = listed.filter(r =>
        matchesLabels(selector, r.metadata?.labels ?? {}),
      );
      // Only experiment steps create Experiments (which own their AnalysisRuns).
      const experiments = rollouts.some(r =>
        (r.spec?.strategy?.canary?.steps ?? []).some(
          (step: any) => step?.experiment,
        ),
      )
        ? await this.deps.rollouts.listExperiments(cluster, namespace)
        : [];
      return rollouts.map(r => rolloutView(cluster, r, runs, experiments));
    } catch (e) {
      errors.push({
        source: `kubernetes:${cluster}`,
        message: (e as Error).message,
      });
      return [];
    }
  }
}
