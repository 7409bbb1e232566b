import type { AuthService } from '@backstage/backend-plugin-api';
import {
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  groupsOfUser,
  membersOfGroup,
  type MembershipReader,
} from '@gantry/plugin-gantry-common';

/**
 * Who may approve for an entity, resolved from catalog relations at decision time (not
 * when the request was made), with the plugin's own credentials so the answer does not
 * depend on what the deciding user may read.
 */
export class ApproverDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  private async credentials() {
    return this.auth.getOwnServiceCredentials();
  }

  /** Owner refs of the entity (groups or users) from its ownedBy relations, else spec.owner. */
  async ownersOf(entityRef: string): Promise<string[]> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.credentials(),
    });
    if (!entity) return [];
    const owners = (entity.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef);
    if (owners.length) return owners;
    const owner = entity.spec?.owner;
    return typeof owner === 'string'
      ? [
          stringifyEntityRef(
            parseEntityRef(owner, {
              defaultKind: 'group',
              defaultNamespace: 'default',
            }),
          ),
        ]
      : [];
  }

  /** What membership reads, with the plugin's own credentials. */
  private async reader(): Promise<MembershipReader> {
    const credentials = await this.credentials();
    return {
      entity: ref => this.catalog.getEntityByRef(ref, { credentials }),
      entities: async refs =>
        (
          await this.catalog.getEntitiesByRefs(
            { entityRefs: refs, fields: ['kind', 'metadata', 'relations'] },
            { credentials },
          )
        ).items,
    };
  }

  /** Group refs of the user, transitively through parent groups (as the permission policy). */
  async groupsOf(userRef: string): Promise<string[]> {
    return groupsOfUser(userRef, await this.reader());
  }

  /** Users of a group and of its child groups, or the user itself for a user ref. */
  async membersOf(ref: string): Promise<string[]> {
    return membersOfGroup(ref, await this.reader());
  }

  /**
   * The people to ask for a decision: members of the owners and extra approver groups
   * (users named as owners directly count too), never the requester, whom segregation
   * of duties forbids from deciding.
   */
  async approversToAsk(input: {
    entityRef: string;
    extraGroups: string[];
    requestedBy: string;
  }): Promise<string[]> {
    const key = (r: string) => r.toLocaleLowerCase('en-US');
    const refs = [
      ...(await this.ownersOf(input.entityRef)),
      ...input.extraGroups,
    ];
    const people = new Map<string, string>();
    for (const ref of refs)
      for (const member of await this.membersOf(ref))
        if (key(member) !== key(input.requestedBy))
          people.set(key(member), member);
    return [...people.values()];
  }

  async userExists(userRef: string): Promise<boolean> {
    const user = await this.catalog.getEntityByRef(userRef, {
      credentials: await this.credentials(),
    });
    return user?.kind.toLocaleLowerCase('en-US') === 'user';
  }

  /** True when the user owns the entity directly or belongs to an owner or approver group. */
  async canApprove(
    userRef: string,
    owners: string[],
    extraGroups: string[],
  ): Promise<boolean> {
    const allowed = new Set(
      [...owners, ...extraGroups].map(r => r.toLocaleLowerCase('en-US')),
    );
    if (allowed.has(userRef.toLocaleLowerCase('en-US'))) return true;
    const groups = await this.groupsOf(userRef);
    return groups.some(g => allowed.has(g.toLocaleLowerCase('en-US')));
  }
}

/**
 * Segregation of duties for every approval Gantry keeps (promotions, flag changes): the
 * decider is not the author and belongs to the entity's owners or the extra approver
 * groups. Throws NotAllowedError saying which of the two failed.
 */
export async function assertMayDecide(
  approvers: Pick<ApproverDirectory, 'ownersOf' | 'canApprove'>,
  input: {
    userRef: string;
    requestedBy: string;
    entityRef: string;
    extraGroups: string[];
    /** approve, reject, review */
    action: string;
    /** "flag changes", "promotions" */
    subject: string;
    /** Said to an author deciding their own request. */
    ownRequest: string;
  },
): Promise<void> {
  if (
    input.userRef.toLocaleLowerCase('en-US') ===
    input.requestedBy.toLocaleLowerCase('en-US')
  ) {
    throw new NotAllowedError(input.ownRequest);
  }
  const owners = await approvers.ownersOf(input.entityRef);
  if (!(await approvers.canApprove(input.userRef, owners, input.extraGroups))) {
    throw new NotAllowedError(
      `Only members of ${
        [...owners, ...input.extraGroups].join(', ') || 'the owning group'
      } may ${input.action} ${input.subject} of ${input.entityRef}; ${
        input.userRef
      } is not a member.`,
    );
  }
}
