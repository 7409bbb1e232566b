import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** A permission policy that denies everything to one user and allows everyone else. */
export function denyOnlyUser(userEntityRef: string) {
  return mockServices.permissions.mock({
    authorize: async (reqs, opts) =>
      reqs.map(() => ({
        result:
          (opts.credentials.principal as { userEntityRef?: string })
            .userEntityRef === userEntityRef
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any,
  }).factory;
}
