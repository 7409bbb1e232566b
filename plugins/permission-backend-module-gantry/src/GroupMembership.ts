import type { AuthService } from '@backstage/backend-plugin-api';
import { groupsOfUser } from '@gantry/plugin-gantry-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** The catalog reads membership resolution needs. */
export type MembershipCatalog = Pick<
  CatalogService,
  'getEntityByRef' | 'getEntitiesByRefs'
>;

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The groups a user belongs to (`groupsOfUser`: memberOf, then childOf to any depth, the
 * same rule Gantry's approvers use), read from the catalog with the policy's own
 * credentials and kept for `ttlMs` per user.
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
    return groupsOfUser(userEntityRef, {
      entity: ref => this.#catalog.getEntityByRef(ref, { credentials }),
      entities: async refs =>
        (
          await this.#catalog.getEntitiesByRefs(
            { entityRefs: refs, fields: ['kind', 'metadata', 'relations'] },
            { credentials },
          )
        ).items,
    });
  }
}
