import type { AuthService } from '@backstage/backend-plugin-api';
import {
  RELATION_CHILD_OF,
  RELATION_MEMBER_OF,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The catalog reads membership resolution needs. */
export type MembershipCatalog = Pick<
  CatalogService,
  'getEntityByRef' | 'getEntitiesByRefs'
>;

const targetsOf = (entity: Entity | undefined | null, type: string) =>
  (entity?.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The groups a user belongs to, directly (memberOf) or through the groups those
 * groups are children of (childOf, to any depth), read from the catalog with the
 * policy's own credentials and kept for `ttlMs` per user.
 */
export class GroupMembership {
  readonly #catalog: MembershipCatalog;
  readonly #auth: AuthService;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<
    string,
    { expires: number; groups: Promise<string[]> }
  >();

  constructor(options: {
    catalog: MembershipCatalog;
    auth: AuthService;
    ttlMs: number;
    now?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** Group refs of `userEntityRef` as the catalog spells them, nearest first. */
  groupsOf(userEntityRef: string): Promise<string[]> {
    const key = lower(userEntityRef);
    const hit = this.#cache.get(key);
    if (hit && hit.expires > this.#now()) return hit.groups;
    const groups = this.#resolve(key);
    this.#cache.set(key, { expires: this.#now() + this.#ttlMs, groups });
    // A failed lookup is not remembered: the next request asks the catalog again.
    groups.catch(() => this.#cache.delete(key));
    return groups;
  }

  async #resolve(userEntityRef: string): Promise<string[]> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const user = await this.#catalog.getEntityByRef(userEntityRef, {
      credentials,
    });
    const seen = new Map<string, string>();
    let next = targetsOf(user, RELATION_MEMBER_OF);
    while (next.length > 0) {
      const fresh = next.filter(ref => !seen.has(lower(ref)));
      fresh.forEach(ref => seen.set(lower(ref), ref));
      if (fresh.length === 0) break;
      const { items } = await this.#catalog.getEntitiesByRefs(
        { entityRefs: fresh, fields: ['kind', 'metadata', 'relations'] },
        { credentials },
      );
      next = items.flatMap(group => targetsOf(group, RELATION_CHILD_OF));
    }
    return [...seen.values()];
  }
}
