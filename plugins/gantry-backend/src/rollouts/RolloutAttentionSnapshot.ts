import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  RolloutAttentionItem,
  RolloutAttentionView,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import type { PipelineReader } from '../kernel/ports';
import { annotatedEntities } from './annotatedEntities';

/** Pipelines read at once during a refresh; each is a few Argo CD and Kubernetes calls. */
const CONCURRENCY = 8;

export interface EntityAttention {
  items: RolloutAttentionItem[];
  errors: RolloutAttentionView['errors'];
}

export interface AttentionState {
  /** When the refresh that produced this state started. */
  refreshedAt: string;
  byEntity: Map<string, EntityAttention>;
}

export function attentionReason(
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
 * The rollouts needing attention across every annotated entity, read from Argo CD and
 * Kubernetes on the scheduler (not per page load) and kept in this replica's memory.
 * A page load reads this state; what it shows carries the state's age.
 */
export class RolloutAttentionSnapshot {
  private state?: AttentionState;
  private inFlight?: Promise<AttentionState>;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      deployments: PipelineReader;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** The latest state; the first call waits for the first refresh. */
  async current(): Promise<AttentionState> {
    return this.state ?? this.refresh();
  }

  /** One refresh at a time; a second caller shares the running one. */
  refresh(): Promise<AttentionState> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async read(): Promise<AttentionState> {
    const refreshedAt = (this.deps.now?.() ?? new Date()).toISOString();
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const entities = await annotatedEntities(this.deps.catalog, credentials);
    const byEntity = new Map<string, EntityAttention>();
    const queue = [...entities];
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const ref = stringifyEntityRef(e);
        byEntity.set(ref, await this.readEntity(e, ref));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const state = { refreshedAt, byEntity };
    this.state = state;
    this.deps.logger.debug(
      `Rollout attention refreshed: ${byEntity.size} entities`,
    );
    return state;
  }

  private async readEntity(
    entity: Entity,
    entityRef: string,
  ): Promise<EntityAttention> {
    const items: RolloutAttentionItem[] = [];
    try {
      const view = await this.deps.deployments.forEntity(entity, entityRef);
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
      return {
        items,
        errors: view.errors.map(x => ({
          entityRef,
          message: `${x.source}: ${x.message}`,
        })),
      };
    } catch (e) {
      return { items, errors: [{ entityRef, message: (e as Error).message }] };
    }
  }
}
