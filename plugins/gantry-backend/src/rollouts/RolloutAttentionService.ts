import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  RolloutAttentionItem,
  RolloutAttentionView,
} from '@gantry/plugin-gantry-common';
import { annotatedEntities } from './annotatedEntities';
import type { RolloutAttentionSnapshot } from './RolloutAttentionSnapshot';

/**
 * The attention page's answer. `refreshedAt` is when the state shown was read from Argo
 * CD and Kubernetes; `complete` is false when some entity the caller may see has not
 * been read yet (listed in `unread`, e.g. added to the catalog since the last refresh).
 */
export interface RolloutAttentionPage extends RolloutAttentionView {
  refreshedAt: string;
  refreshSeconds: number;
  entities: number;
  complete: boolean;
  unread: string[];
}

/**
 * Every rollout somebody has to act on, across the entities (and so namespaces and
 * clusters) the caller owns, or all the caller can see. One page load asks the catalog
 * which entities those are and reads their rollouts from the snapshot: no Argo CD or
 * Kubernetes call.
 */
export class RolloutAttentionService {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      userInfo: UserInfoService;
      /** The user's groups through parent groups too (Gantry's one membership rule). */
      groupsOf: (userRef: string) => Promise<string[]>;
      snapshot: RolloutAttentionSnapshot;
      refreshSeconds: number;
    },
  ) {}

  async list(
    credentials: BackstageCredentials,
    scope: 'owned' | 'all',
  ): Promise<RolloutAttentionPage> {
    const owners =
      scope === 'owned' ? await this.ownersFor(credentials) : undefined;
    const [visible, state] = await Promise.all([
      annotatedEntities(this.deps.catalog, credentials, {
        owners,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      }),
      this.deps.snapshot.current(),
    ]);
    const items: RolloutAttentionItem[] = [];
    const errors: RolloutAttentionView['errors'] = [];
    const unread: string[] = [];
    for (const entity of visible) {
      const ref = stringifyEntityRef(entity);
      const read = state.byEntity.get(ref);
      if (!read) {
        unread.push(ref);
        continue;
      }
      items.push(...read.items);
      errors.push(...read.errors);
    }
    // the longest-waiting first
    const since = (i: RolloutAttentionItem) =>
      i.rollout.pauseConditions[0]?.startTime ??
      i.rollout.analysisRuns[0]?.startedAt ??
      '';
    items.sort((a, b) => since(a).localeCompare(since(b)));
    return {
      scope,
      items,
      errors,
      refreshedAt: state.refreshedAt,
      refreshSeconds: this.deps.refreshSeconds,
      entities: visible.length,
      complete: unread.length === 0,
      unread,
    };
  }

  /** Refs whose entities count as the user's: their sign-in ownership refs and every group they are in. */
  private async ownersFor(credentials: BackstageCredentials) {
    const info = await this.deps.userInfo.getUserInfo(credentials);
    const groups = await this.deps.groupsOf(info.userEntityRef);
    return [...new Set([...info.ownershipEntityRefs, ...groups])];
  }
}
