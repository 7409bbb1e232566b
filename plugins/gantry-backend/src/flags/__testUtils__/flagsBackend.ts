import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { FlagdFlag } from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  complianceEntities,
  notificationsMock,
} from '../../__testUtils__/compliance';
import { denyOnlyUser } from '../../__testUtils__/permissions';
import { gantryPlugin } from '../../plugin';

const entity = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');

/**
 * The Gantry backend with the checkout component's flags: on `knex` when given (else the
 * default test database), `gantry.flags` config, mallory denied everything, and any
 * extra features.
 */
export async function startFlagsServer(
  opts: { knex?: Knex; flags?: object; features?: BackendFeature[] } = {},
): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      gantryPlugin,
      ...(opts.knex
        ? [
            mockServices.database.factory({
              knex: opts.knex,
              migrations: { skip: false },
            }),
          ]
        : []),
      mockServices.rootConfig.factory({
        data: { gantry: { flags: opts.flags ?? {} } },
      }),
      denyOnlyUser('user:default/mallory'),
      catalogServiceMock.factory({ entities: complianceEntities }),
      notificationsMock,
      ...(opts.features ?? []),
    ],
  });
  return server;
}

/**
 * The Gantry backend on a real port with the checkout component's flags, driven the way
 * the UI drives it (as alice, an owner), for tests whose clients are real SDKs.
 */
export async function startFlagsBackend(knex?: Knex) {
  const server = await startFlagsServer({ knex });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const expectOk = (res: request.Response, what: string) => {
    if (res.status >= 300)
      throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  return {
    server,
    /** What OFREP providers take as baseUrl. */
    baseUrl: `${origin}/api/gantry`,
    flagdUrl: (environment: string) =>
      `${origin}/api/gantry/flagd/v1/entities/default/component/checkout/${environment}/flags.json`,

    /** Creates or edits a flag in staging; returns the new version. */
    async putFlag(
      key: string,
      definition: FlagdFlag,
      baseVersion: number | null,
    ): Promise<number> {
      const res = await request(server)
        .put(`${entity}/flags/staging/${key}`)
        .set('Authorization', alice)
        .send({
          flag: { type: 'release', definition },
          baseVersion,
          reason: 'test',
        });
      return expectOk(res, `PUT flag ${key}`).flag.version;
    },

    async putSegment(name: string, rule: Record<string, unknown>) {
      const res = await request(server)
        .put(`${entity}/flag-segments/staging/${name}`)
        .set('Authorization', alice)
        .send({ segment: { rule }, baseVersion: null, reason: 'test' });
      expectOk(res, `PUT segment ${name}`);
    },

    /** Pulls the kill switch; returns the flag's new version. */
    async kill(key: string): Promise<number> {
      const res = await request(server)
        .post(`${entity}/flags/staging/${key}/kill`)
        .set('Authorization', alice)
        .send({ reason: 'drill' });
      return expectOk(res, `kill ${key}`).flag.version;
    },

    /** Lifts the kill switch of the given (killed) version; returns the flag's new version. */
    async restore(key: string, baseVersion: number): Promise<number> {
      const res = await request(server)
        .post(`${entity}/flags/staging/${key}/restore`)
        .set('Authorization', alice)
        .send({ baseVersion, reason: 'drill over' });
      return expectOk(res, `restore ${key}`).flag.version;
    },

    /** A client key for staging; returns its secret. */
    async newKey(name: string): Promise<string> {
      const res = await request(server)
        .post(`${entity}/flag-keys`)
        .set('Authorization', alice)
        .send({ environment: 'staging', name });
      return expectOk(res, 'create client key').secret;
    },
  };
}
