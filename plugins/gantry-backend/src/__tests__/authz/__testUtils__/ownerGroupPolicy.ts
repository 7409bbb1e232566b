import { mockServices } from '@backstage/backend-test-utils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * A permission policy like the one we recommend: services are trusted, and a user may act
 * on an entity only as a member of the entity's owning group (read from `entities`, the
 * same catalog the backend serves). Permissions without a resource (audit read, ingest)
 * are left to each route's principal check, so they are allowed here.
 */
export function ownerGroupPolicy(entities: Entity[]) {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const ownerMembers = (resourceRef: string): string[] => {
    const owner = byRef.get(resourceRef)?.spec?.owner;
    if (typeof owner !== 'string') return [];
    const group = byRef.get(
      stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group' })),
    );
    return ((group?.spec?.members as string[] | undefined) ?? []).map(
      m => `user:default/${m}`,
    );
  };
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(r => {
        const principal = options.credentials.principal as {
          type: string;
          userEntityRef?: string;
        };
        const resourceRef = (r as { resourceRef?: string }).resourceRef;
        const allowed =
          principal.type === 'service' ||
          !resourceRef ||
          ownerMembers(resourceRef).includes(principal.userEntityRef ?? '');
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      }) as any,
  }).factory;
}
