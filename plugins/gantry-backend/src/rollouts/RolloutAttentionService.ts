import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATIONS,
  type RolloutAttentionItem,
  type RolloutAttentionView,
  type RolloutView,
} from '@gantry/plugin-gantry-common';
import type { PipelineReader } from '../kernel/ports';

/** Pipelines read at once; each is a few Argo CD and Kubernetes calls. */
const CONCURRENCY = 4;
/** More entities than this is a search, not a worklist. */
const MAX_ENTITIES = 200;

function attentionReason(
  r: RolloutView,
): RolloutAttentionItem['reason'] | undefined {
  if (r.aborted || r.fullyPromoted) return undefined;
  const latest = r.analysisRuns[0];
  if (latest?.phase === 'Running' || latest?.phase === 'Pending')
    return 'analysis-running';
  if (
    r.pauseConditions.some(p => p.reason === 'InconclusiveAnalysisRun') ||
    (r.paused &&
      latest &&
      ['Inconclusive', 'Failed', 'Error'].includes(latest.phase))
  )
    return 'analysis-failed';
  return r.paused ? 'awaiting-promotion' : undefined;
}

/**
 * Every rollout somebody has to act on, across the entities (and so namespaces and
 * clusters) the caller owns, or all the caller can see.
 */
export class RolloutAttentionService {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      userInfo: UserInfoService;
      deployments: PipelineReader;
    },
  ) {}

  async list(
    credentials: BackstageCredentials,
    scope: 'owned' | 'all',
  ): Promise<RolloutAttentionView> {
    const owned =
      scope === 'owned'
        ? (await this.deps.userInfo.getUserInfo(credentials))
            .ownershipEntityRefs
        : undefined;
    const filter = [
      ANNOTATIONS.kubernetesId,
      ANNOTATIONS.kubernetesLabelSelector,
    ].map(a => ({
      [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
      ...(owned ? { 'relations.ownedBy': owned } : {}),
    }));
    const { items: entities } = await this.deps.catalog.getEntities(
      { filter, limit: MAX_ENTITIES },
      { credentials },
    );

    const items: RolloutAttentionItem[] = [];
    const errors: RolloutAttentionView['errors'] = [];
    const queue = [...entities];
    const visit = async (entity: Entity) => {
      const entityRef = stringifyEntityRef(entity);
      try {
        const view = await this.deps.deployments.forEntity(entity, entityRef);
        errors.push(
          ...view.errors.map(x => ({
            entityRef,
            message: `${x.source}: ${x.message}`,
          })),
        );
        for (const app of view.applications) {
          for (const rollout of app.rollouts) {
            const reason = attentionReason(rollout);
            if (reason)
              items.push({
                entityRef,
                environment: app.environment,
                application: app.name,
                reason,
                rollout,
              });
          }
        }
      } catch (e) {
        errors.push({ entityRef, message: (e as Error).message });
      }
    };
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await visit(e);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // the longest-waiting first
    const since = (i: RolloutAttentionItem) =>
      i.rollout.pauseConditions[0]?.startTime ??
      i.rollout.analysisRuns[0]?.startedAt ??
      '';
    items.sort((a, b) => since(a).localeCompare(since(b)));
    return { scope, items, errors };
  }
}
