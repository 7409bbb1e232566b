import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gantryArgoCdSyncPermission,
  gantryFlagKillPermission,
} from '@gantry/plugin-gantry-common';
import { GantryPermissionPolicy, toGroupRef } from './GantryPermissionPolicy';

const asUser = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [ref] },
});

describe('GantryPermissionPolicy', () => {
  const groupsOf = jest.fn(async (ref: string) =>
    ref.toLowerCase() === 'user:default/alice'
      ? ['group:default/Payments']
      : [],
  );
  const policy = new GantryPermissionPolicy({
    membership: { groupsOf },
    adminGroups: ['release-admins'],
  });

  it('denies Gantry actions when no user is signed in', async () => {
    expect(
      await policy.handle({ permission: gantryFlagKillPermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('asks the catalog to check ownership against the user and every group found', async () => {
    expect(
      await policy.handle(
        { permission: gantryArgoCdSyncPermission },
        asUser('user:default/Alice'),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: [
            'user:default/Alice',
            'group:default/Payments',
            'user:default/alice',
            'group:default/payments',
          ],
        },
      },
    });
  });

  it('refuses an admin group setting that names something other than a group', () => {
    expect(toGroupRef('platform-admins')).toBe('group:default/platform-admins');
    expect(() => toGroupRef('user:default/root')).toThrow(
      /permission.gantry.adminGroups lists 'user:default\/root', which is not a group/,
    );
  });
});
