import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import type { GroupMembership } from './GroupMembership';

/** Gantry's permissions are the ones named `gantry.*` (see @gantry/plugin-gantry-common). */
const isGantryPermission = (name: string) => name.startsWith('gantry.');
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Normalises `platform-admins` or `group:default/platform-admins` to a full group ref. */
export function toGroupRef(ref: string): string {
  const parsed = parseEntityRef(ref, {
    defaultKind: 'group',
    defaultNamespace: 'default',
  });
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new Error(
      `permission.gantry.adminGroups lists '${ref}', which is not a group; write a group reference such as group:default/platform-admins`,
    );
  }
  return lower(stringifyEntityRef(parsed));
}

/**
 * Gantry actions for the people who own the service; everything else as before.
 *
 * - Permissions not named `gantry.*` (catalog, scaffolder, ...) are allowed, as the
 *   allow-all policy did.
 * - Gantry read permissions are allowed to every signed-in user.
 * - Other Gantry permissions are allowed to members of a configured admin group, and
 *   on an entity to members of its owning group, membership followed through parent
 *   groups. The entity is not known here (the permission framework keeps resource refs
 *   from policies), so the answer is the catalog's `isEntityOwner` condition over the
 *   user's groups, which the catalog applies to the entity.
 *
 * Service principals never reach a policy (the permissions service decides them from
 * their access restrictions), and segregation of duties for approvals is enforced by
 * Gantry's own services after this policy allows the permission.
 */
export class GantryPermissionPolicy implements PermissionPolicy {
  readonly #membership: Pick<GroupMembership, 'groupsOf'>;
  readonly #adminGroups: Set<string>;

  constructor(options: {
    membership: Pick<GroupMembership, 'groupsOf'>;
    adminGroups: string[];
  }) {
    this.#membership = options.membership;
    this.#adminGroups = new Set(options.adminGroups.map(toGroupRef));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!isGantryPermission(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const principal = user?.credentials.principal as
      | { type: string; userEntityRef?: string }
      | undefined;
    if (principal?.type !== 'user' || !principal.userEntityRef) {
      return { result: AuthorizeResult.DENY };
    }
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    const userRef = principal.userEntityRef;
    const groups = await this.#membership.groupsOf(userRef);
    if (groups.some(g => this.#adminGroups.has(lower(g)))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, 'catalog-entity')) {
      // isEntityOwner compares refs exactly, so both spellings are claimed.
      const refs = [userRef, ...groups];
      const claims = [...new Set([...refs, ...refs.map(lower)])];
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    // Gantry's permissions without an entity (webhook intake) are for services.
    return { result: AuthorizeResult.DENY };
  }
}
