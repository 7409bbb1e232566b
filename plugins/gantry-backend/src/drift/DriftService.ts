import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  type DeploymentsView,
} from '@gantry/plugin-gantry-common';
import type { Notifier } from '../kernel/notifier';
import type { PipelineReader } from '../kernel/ports';
import type { DriftStore } from './DriftStore';

type Drift = {
  subject: string;
  kind: 'out-of-sync' | 'degraded';
  title: string;
  description: string;
};

/** What drifts in one pipeline, with what differs and what to do about it. */
function driftsOf(view: DeploymentsView): Drift[] {
  const drifts: Drift[] = [];
  for (const app of view.applications) {
    if (app.syncStatus === 'OutOfSync') {
      const differs = (app.outOfSync ?? [])
        .map(r => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`)
        .join(', ');
      drifts.push({
        subject: `${app.instance}/${app.name}`,
        kind: 'out-of-sync',
        title: `${app.name} (${app.environment}) is OutOfSync with Git`,
        description: `${
          differs ? `Differs from Git: ${differs}. ` : ''
        }Sync it from the Delivery tab to apply Git, or revert the Git change if the live state is the one you want.`,
      });
    }
    for (const r of app.rollouts) {
      if (r.phase !== 'Degraded') continue;
      drifts.push({
        subject: `${r.cluster}/${r.namespace}/${r.name}`,
        kind: 'degraded',
        title: `Rollout ${r.namespace}/${r.name} (${app.environment}) is Degraded`,
        description: `${
          r.message ?? 'The rollout is Degraded.'
        } Retry it once the cause is fixed, or roll the application back from the Delivery tab.`,
      });
    }
  }
  return drifts;
}

/**
 * Tells an entity's owners when an application stays OutOfSync (or a Rollout stays
 * Degraded) longer than the threshold; once per drift while it persists.
 */
export class DriftService {
  constructor(
    private readonly deps: {
      store: DriftStore;
      catalog: CatalogService;
      auth: AuthService;
      deployments: PipelineReader;
      notifier: Notifier;
      logger: LoggerService;
      thresholdMs: number;
      appBaseUrl?: string;
      now?: () => Date;
    },
  ) {}

  async check(): Promise<number> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: [ANNOTATIONS.argocdAppName, ANNOTATIONS.argocdAppSelector].map(
          a => ({ [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS }),
        ),
      },
      { credentials },
    );
    let notified = 0;
    for (const entity of items) {
      try {
        notified += await this.checkEntity(entity);
      } catch (e) {
        this.deps.logger.warn(
          `Drift check of ${stringifyEntityRef(entity)} failed: ${e}`,
        );
      }
    }
    return notified;
  }

  async checkEntity(entity: Entity): Promise<number> {
    const { store } = this.deps;
    const now = (this.deps.now?.() ?? new Date()).toISOString();
    const entityRef = stringifyEntityRef(entity);
    const view = await this.deps.deployments.forEntity(entity, entityRef);
    // A source that could not be read says nothing about drift: keep what is known.
    if (view.errors.length) return 0;
    const drifts = driftsOf(view);
    const known = await store.forEntity(entityRef);
    const key = (d: { subject: string; kind: string }) =>
      `${d.kind} ${d.subject}`;
    const current = new Set(drifts.map(key));
    const gone = known.filter(k => !current.has(key(k)));
    for (const g of gone)
      await store.remove({ entityRef, subject: g.subject, kind: g.kind });
    let notified = 0;
    for (const d of drifts) {
      const drift = { entityRef, subject: d.subject, kind: d.kind };
      const row = await store.track(drift, now);
      if (row.notifiedAt) continue;
      if (Date.parse(now) - Date.parse(row.since) < this.deps.thresholdMs)
        continue;
      // claim the notice first, so a second replica's tick does not send it again
      if (!(await store.claimNotice(drift, now))) continue;
      const owner = entity.spec?.owner;
      if (typeof owner !== 'string') continue;
      await this.deps.notifier.notify({
        recipients: [owner],
        title: d.title,
        description: `Since ${row.since}. ${d.description}`,
        link: `${this.deps.appBaseUrl ?? ''}/catalog/${
          entity.metadata.namespace ?? 'default'
        }/${entity.kind.toLocaleLowerCase('en-US')}/${
          entity.metadata.name
        }/delivery`,
        topic: `gantry-drift-${d.kind}-${d.subject}`,
      });
      notified++;
    }
    return notified;
  }
}
