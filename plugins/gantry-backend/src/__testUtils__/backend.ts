import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, passthrough } from 'msw';
import { gantryPlugin } from '../plugin';

/** Lets supertest reach the test backend while msw stands in for Argo CD and Kubernetes. */
export const localPassthrough = http.all('http://127.0.0.1*', () =>
  passthrough(),
);

/** The Gantry plugin alone, with config, a catalog of `entities` and optional other services. */
export async function startGantry(opts: {
  config?: object;
  entities: Entity[];
  services?: ServiceFactory[];
}) {
  const { server } = await startTestBackend({
    features: [
      gantryPlugin,
      mockServices.rootConfig.factory({ data: opts.config ?? {} }),
      catalogServiceMock.factory({ entities: opts.entities }),
      ...(opts.services ?? []),
    ],
  });
  return server;
}
