import { InputError } from '@backstage/errors';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Server } from 'node:http';
import request from 'supertest';
import { localPassthrough, startGantry } from '../../__testUtils__/backend';
import { createTestDatabases } from '../../__testUtils__/databases';
import { checkoutEntity } from '../../__testUtils__/entities';
import { readFixture } from '../../__testUtils__/fixtures';
import { argocdActionBody } from '../../deployments/actionBody';
import { parseBody } from '../../kernel/http/validate';
import { bodyTextOf, jsonInputOf } from './__testUtils__/arbitraries';
import { verdictOf } from './__testUtils__/fuzzBackend';
import { unexpectedThrowSync } from './__testUtils__/thrown';

jest.setTimeout(180_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const PARSER_RUNS = 10_000;
const HTTP_RUNS = 300;

const seeds = [
  {},
  { id: 1 },
  { id: 2, release: '1.4.2', emergency: { reason: 'checkout is down' } },
  { automated: { prune: true, selfHeal: true } },
  { id: 1, acknowledgeIrreversibleMigration: true },
];

describe('Argo CD action bodies', () => {
  it(`parse ${PARSER_RUNS} fuzzed bodies or reject them with an InputError that names the field`, () => {
    fc.assert(
      fc.property(jsonInputOf(seeds), body => {
        expect(
          unexpectedThrowSync(
            () => parseBody(argocdActionBody, body),
            InputError,
          ),
        ).toBeUndefined();
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  describe('over HTTP', () => {
    const argocd = setupServer();
    registerMswTestHooks(argocd);
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init('SQLITE_3');
      server = (await startGantry({
        config: {
          gantry: { argocd: { instances: [{ name: 'main', url: ARGO }] } },
        },
        entities: [checkoutEntity],
        services: [mockServices.database.factory({ knex })],
      })) as Server;
    });

    beforeEach(() => {
      const app = (name: unknown) =>
        readFixture('deployments', 'applications.json').items.find(
          (a: any) => a.metadata.name === name,
        );
      argocd.use(
        localPassthrough,
        http.get(`${ARGO}/api/v1/applications`, () =>
          HttpResponse.json(readFixture('deployments', 'applications.json')),
        ),
        http.get(`${ARGO}/api/v1/applications/:name/manifests`, () =>
          HttpResponse.json(
            readFixture('deployments', 'manifests-production.json'),
          ),
        ),
        http.get(`${ARGO}/api/v1/applications/:name`, ({ params }) =>
          HttpResponse.json(app(params.name)),
        ),
        http.post(`${ARGO}/api/v1/applications/:name/:action`, ({ params }) =>
          HttpResponse.json(app(params.name)),
        ),
        http.patch(`${ARGO}/api/v1/applications/:name`, ({ params }) =>
          HttpResponse.json(app(params.name)),
        ),
      );
    });

    const audited = async () =>
      Number((await knex('gantry_audit_log').count({ n: '*' }))[0].n);

    // staging is not gated (bodies are accepted); production's release has no evidence (409).
    it.each([
      ['checkout-staging', 'sync'],
      ['checkout-production', 'sync'],
      ['checkout-production', 'rollback'],
      ['checkout-production', 'enable-auto-sync'],
    ])(
      `%s %s answers ${HTTP_RUNS} fuzzed bodies with 2xx or a 4xx message, never 5xx, and audits only what it did`,
      async (application, action) => {
        const verdicts = new Map<string, number>();
        await fc.assert(
          fc.asyncProperty(bodyTextOf(seeds), async text => {
            const before = await audited();
            const res = await request(server)
              .post(
                `/api/gantry/entities/default/component/checkout/argocd/main/applications/${application}/${action}`,
              )
              .set('Authorization', mockCredentials.user.header())
              .set('Content-Type', 'application/json')
              .send(text);
            const verdict = verdictOf(res);
            verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
            expect(['accepted', 'rejected']).toContain(verdict);
            expect(await audited()).toBe(
              verdict === 'accepted' ? before + 1 : before,
            );
          }),
          { numRuns: HTTP_RUNS },
        );
        // staging accepts valid bodies; production's gate turns every one away.
        expect((verdicts.get('accepted') ?? 0) > 0).toBe(
          application === 'checkout-staging',
        );
      },
    );
  });
});
