import {
  mockServices,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import { startGantry } from '../../../__testUtils__/backend';
import { notificationsMock } from '../../../__testUtils__/compliance';

export const FUZZ_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'gantry.dev/compliance-policy': 'default' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};

/** Rate limits out of the way: thousands of fuzz cases must reach the parsers, not a 429. */
const UNLIMITED = { requestsPerMinute: 1_000_000, burst: 1_000_000 };

/** One Gantry backend on SQLite that allows every caller, so only input decides the answer. */
export async function startFuzzBackend(
  databases: TestDatabases,
  config: { gantry?: object } = {},
) {
  const knex: Knex = await databases.init('SQLITE_3');
  const server = (await startGantry({
    config: {
      ...config,
      gantry: {
        limits: {
          complianceReport: UNLIMITED,
          dora: UNLIMITED,
          evidenceUpload: UNLIMITED,
        },
        ...config.gantry,
      },
    },
    entities: [FUZZ_ENTITY],
    services: [
      mockServices.database.factory({ knex, migrations: { skip: false } }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      notificationsMock,
    ],
  })) as Server;
  const rows = async (tables: string[]) =>
    Object.fromEntries(
      await Promise.all(
        tables.map(async t => [
          t,
          Number((await knex(t).count({ n: '*' }))[0].n),
        ]),
      ),
    );
  return { server, knex, rows };
}

/** The message of a JSON error answer: Backstage's `error.message` or OFREP's `errorDetails`. */
export function errorMessageOf(body: any): string | undefined {
  const m = body?.error?.message ?? body?.errorDetails;
  return typeof m === 'string' && m.trim() ? m : undefined;
}

/**
 * 'accepted' (2xx), 'rejected' (4xx with a JSON error message), or what was wrong with
 * the answer, so a property can assert on it without branching around `expect`.
 */
export function verdictOf(res: { status: number; body: unknown }): string {
  if (res.status >= 200 && res.status < 300) return 'accepted';
  if (res.status >= 400 && res.status < 500) {
    return errorMessageOf(res.body)
      ? 'rejected'
      : `${res.status} without an error message: ${JSON.stringify(res.body)}`;
  }
  return `${res.status}: ${JSON.stringify(res.body)}`;
}
