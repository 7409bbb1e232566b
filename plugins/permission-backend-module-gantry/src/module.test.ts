import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  gantryArgoCdSyncPermission,
  gantryAuditReadPermission,
  gantryDeploymentIngestPermission,
  gantryFlagKillPermission,
  gantryPromotionApprovePermission,
  gantryRolloutPromotePermission,
} from '@gantry/plugin-gantry-common';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import catalogBackend from '@backstage/plugin-catalog-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import type { Server } from 'node:http';
import request from 'supertest';
import permissionModuleGantryPolicy from './index';
import {
  catalogWith,
  component,
  group,
  onBehalfOfHttpAuth,
  user,
} from './testUtils';

jest.setTimeout(60_000);

const entities = [
  component('checkout', 'group:default/payments'),
  component('storefront', 'group:default/platform'),
  group('payments', { children: ['payments-oncall'] }),
  group('payments-oncall', { parent: 'payments' }),
  group('platform'),
  group('release-admins'),
  user('alice', ['payments']),
  user('olivia', ['payments-oncall']),
  user('mallory', ['platform']),
  user('ada', ['release-admins']),
];

const CHECKOUT = 'component:default/checkout';
const actions = [
  gantryRolloutPromotePermission,
  gantryFlagKillPermission,
  gantryArgoCdSyncPermission,
  gantryPromotionApprovePermission,
];

describe('the Gantry permission policy in the permission backend', () => {
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        permissionBackend,
        permissionModuleGantryPolicy,
        catalogBackend,
        catalogWith(entities),
        onBehalfOfHttpAuth,
        mockServices.rootConfig.factory({
          data: {
            permission: {
              enabled: true,
              gantry: { adminGroups: ['release-admins'] },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    // The catalog processes the provided entities in the background.
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/user/default/olivia')
        .set('Authorization', mockCredentials.service.header());
      const res2 = await request(server)
        .get('/api/catalog/entities/by-name/component/default/checkout')
        .set('Authorization', mockCredentials.service.header());
      if (res.body?.relations?.length && res2.body?.relations?.length) return;
      await new Promise(r => setTimeout(r, 200));
    }
    throw new Error('the catalog never processed the test entities');
  });
  afterAll(() => stop?.());

  /** What the permission backend answers `as` for each permission on `resourceRef`. */
  const decide = async (
    as: string,
    permissions: Permission[],
    resourceRef?: string,
  ) => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', as)
      .send({
        items: permissions.map((permission, i) => ({
          id: String(i),
          permission,
          ...(permission.type === 'resource' ? { resourceRef } : {}),
        })),
      });
    expect(`${res.status} ${JSON.stringify(res.body)}`).toMatch(/^200 /);
    return Object.fromEntries(
      permissions.map((p, i) => [
        p.name,
        res.body.items.find((item: any) => item.id === String(i)).result,
      ]),
    );
  };
  const asUser = (name: string) =>
    mockCredentials.user.header(`user:default/${name}`);
  const all = (result: AuthorizeResult) =>
    Object.fromEntries(actions.map(p => [p.name, result]));

  it('denies promote, kill, sync and approve on checkout to a member of another team', async () => {
    expect(await decide(asUser('mallory'), actions, CHECKOUT)).toEqual(
      all(AuthorizeResult.DENY),
    );
  });

  it('allows them to a member of the owning group', async () => {
    expect(await decide(asUser('alice'), actions, CHECKOUT)).toEqual(
      all(AuthorizeResult.ALLOW),
    );
  });

  it('allows them to a member of a child group of the owning group', async () => {
    expect(await decide(asUser('olivia'), actions, CHECKOUT)).toEqual(
      all(AuthorizeResult.ALLOW),
    );
  });

  it('does not let owners of a child group act on the parent group team’s neighbours', async () => {
    expect(
      await decide(asUser('olivia'), actions, 'component:default/storefront'),
    ).toEqual(all(AuthorizeResult.DENY));
  });

  it('allows them to a member of a configured admin group on any entity', async () => {
    expect(await decide(asUser('ada'), actions, CHECKOUT)).toEqual(
      all(AuthorizeResult.ALLOW),
    );
    expect(
      await decide(asUser('ada'), actions, 'component:default/storefront'),
    ).toEqual(all(AuthorizeResult.ALLOW));
  });

  it('lets every signed-in user read, and keeps webhook intake for services', async () => {
    expect(
      await decide(asUser('mallory'), [
        gantryAuditReadPermission,
        gantryDeploymentIngestPermission,
      ]),
    ).toEqual({
      'gantry.audit.read': AuthorizeResult.ALLOW,
      'gantry.deployment.ingest': AuthorizeResult.DENY,
    });
  });

  it('leaves permissions of other plugins allowed, for everyone signed in', async () => {
    const catalogRead: Permission = {
      type: 'resource',
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    };
    const scaffolderRun: Permission = {
      type: 'basic',
      name: 'scaffolder.task.create',
      attributes: { action: 'create' },
    };
    expect(
      await decide(asUser('mallory'), [catalogRead, scaffolderRun], CHECKOUT),
    ).toEqual({
      'catalog.entity.read': AuthorizeResult.ALLOW,
      'scaffolder.task.create': AuthorizeResult.ALLOW,
    });
  });

  it('answers callers without credentials with 401 before any policy runs', async () => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.none.header())
      .send({
        items: [
          {
            id: '0',
            permission: gantryArgoCdSyncPermission,
            resourceRef: CHECKOUT,
          },
        ],
      });
    expect(res.status).toBe(401);
  });
});
