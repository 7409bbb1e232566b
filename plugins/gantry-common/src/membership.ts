import {
  RELATION_CHILD_OF,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  RELATION_PARENT_OF,
  type Entity,
} from '@backstage/catalog-model';

/**
 * The catalog reads membership needs: one entity, and many at once (the caller decides
 * which credentials they are read with).
 */
export interface MembershipReader {
  entity(ref: string): Promise<Entity | undefined | null>;
  entities(refs: string[]): Promise<Array<Entity | undefined | null>>;
}

const targetsOf = (entity: Entity | undefined | null, type: string) =>
  (entity?.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** Refs reached from `start` by following `relation`, each once (cycles end), nearest first. */
async function closure(
  start: string[],
  relation: string,
  reader: MembershipReader,
): Promise<{ refs: string[]; entities: Entity[] }> {
  const seen = new Map<string, string>();
  const entities: Entity[] = [];
  let next = start;
  while (next.length > 0) {
    const fresh = next.filter(ref => !seen.has(lower(ref)));
    fresh.forEach(ref => seen.set(lower(ref), ref));
    if (fresh.length === 0) break;
    const found = (await reader.entities(fresh)).filter((e): e is Entity =>
      Boolean(e),
    );
    entities.push(...found);
    next = found.flatMap(group => targetsOf(group, relation));
  }
  return { refs: [...seen.values()], entities };
}

/**
 * The groups a user belongs to: directly (memberOf) and every group those are children
 * of (childOf, to any depth). The one membership rule of Gantry: the permission policy
 * and the approvers both use it.
 */
export async function groupsOfUser(
  userRef: string,
  reader: MembershipReader,
): Promise<string[]> {
  const user = await reader.entity(userRef);
  return (
    await closure(
      targetsOf(user, RELATION_MEMBER_OF),
      RELATION_CHILD_OF,
      reader,
    )
  ).refs;
}

/**
 * The users of a group: its own members (hasMember) and the members of its child
 * groups (parentOf, to any depth), so that `groupsOfUser(u)` includes the group exactly
 * when `membersOfGroup(group)` includes u. A user ref stands for itself.
 */
export async function membersOfGroup(
  ref: string,
  reader: MembershipReader,
): Promise<string[]> {
  if (lower(ref).startsWith('user:')) return [ref];
  const { entities } = await closure([ref], RELATION_PARENT_OF, reader);
  const users = new Map<string, string>();
  for (const group of entities)
    for (const member of targetsOf(group, RELATION_HAS_MEMBER))
      users.set(lower(member), member);
  return [...users.values()];
}
