import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionBackend from '@backstage/plugin-permission-backend';
import gantryPolicy from '@gantry/plugin-permission-backend-module-gantry';
import {
  catalogWith,
  onBehalfOfHttpAuth,
} from '@gantry/plugin-permission-backend-module-gantry/testUtils';
import { http, passthrough } from 'msw';
import request from 'supertest';
import { gantryPlugin } from '../../../plugin';

/** Plugins reach the permission backend and the catalog at localhost, past msw. */
export const localhostPassthrough = http.all('http://localhost*', () =>
  passthrough(),
);

/**
 * The Gantry plugin behind the permission policy the portal ships: the real permission
 * backend with the Gantry policy module, and the real catalog (fed `entities`) applying
 * its ownership conditions. Gantry itself reads the same entities from the catalog mock.
 */
export async function startGantryWithPolicy(opts: {
  config: { [key: string]: unknown };
  entities: Entity[];
  services?: ServiceFactory[];
}) {
  const { server } = await startTestBackend({
    features: [
      gantryPlugin,
      permissionBackend,
      gantryPolicy,
      catalogBackend,
      catalogWith(opts.entities),
      permissionsServiceFactory,
      onBehalfOfHttpAuth,
      catalogServiceMock.factory({ entities: opts.entities }),
      mockServices.rootConfig.factory({
        data: { ...opts.config, permission: { enabled: true } },
      }),
      ...(opts.services ?? []),
    ],
  });
  // The catalog processes the entities in the background; owners are known once it has.
  const owned = opts.entities.filter(e => e.spec?.owner);
  for (let attempt = 0; attempt < 150; attempt++) {
    const processed = await Promise.all(
      owned.map(async e => {
        const res = await request(server)
          .get(
            `/api/catalog/entities/by-name/${e.kind}/${
              e.metadata.namespace ?? 'default'
            }/${e.metadata.name}`,
          )
          .set('Authorization', mockCredentials.service.header());
        return (res.body?.relations ?? []).some(
          (r: { type: string }) => r.type === 'ownedBy',
        );
      }),
    );
    if (processed.every(Boolean)) return server;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error('The catalog did not process the test entities in time');
}
