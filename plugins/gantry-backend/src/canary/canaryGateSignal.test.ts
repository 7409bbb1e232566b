import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { CanaryAnalysis } from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { Server } from 'node:http';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { checkoutEntity } from '../__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/databases';
import { readFixture } from '../__testUtils__/fixtures';
import { KnexCanaryAnalysisStore } from './KnexCanaryAnalysisStore';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const ENTITY = '/api/gantry/entities/default/component/checkout';
const REF = 'component:default/checkout';
// Both checkout Rollouts of the fixtures run 1.5.0 with this canary pod-template hash.
const CANARY_HASH = '6f9c7d8b5d';

let n = 0;
const analysis = (
  rollout: { namespace: string; name: string },
  step: number,
  verdict: CanaryAnalysis['verdict'],
  canaryHash = CANARY_HASH,
): CanaryAnalysis => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  entityRef: REF,
  rollout,
  step,
  baselineHash: '5b8d9c7f4c',
  canaryHash,
  window: {
    start: '2026-12-01T09:00:00Z',
    end: '2026-12-01T09:10:00Z',
    stepSeconds: 30,
  },
  verdict,
  score: { Pass: 100, Marginal: 62.5, Fail: 25, Error: 0 }[verdict],
  thresholds: { pass: 75, marginal: 50 },
  reason: `judged ${verdict}`,
  groups: [],
  metrics: [],
  requestedBy: 'user:default/argo-rollouts',
  createdAt: new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString(),
});

describe.each(databases.eachSupportedId())(
  'the canary gate rule reads the judge (%s)',
  databaseId => {
    const mocks = setupServer();
    registerMswTestHooks(mocks);
    let server: Server;
    let store: KnexCanaryAnalysisStore;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startGantry({
        config: {
          gantry: {
            argocd: { instances: [{ name: 'main', url: ARGO }] },
            kubernetes: { clusters: [{ name: 'prod', url: K8S }] },
            compliance: {
              policies: {
                default: { staging: ['canary'], production: ['canary'] },
              },
            },
          },
        },
        entities: [checkoutEntity],
        services: [mockServices.database.factory({ knex })],
      })) as Server;
      store = new KnexCanaryAnalysisStore(knex);
      mocks.use(localPassthrough);
      for (const version of ['1.5.0', '1.4.0'])
        await request(server)
          .post(
            `${ENTITY}/releases/${version}/evidence/junit?commit=${'a'.repeat(
              40,
            )}`,
          )
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', 'application/xml')
          .send(
            '<testsuite name="t" tests="1"><testcase name="ok"/></testsuite>',
          )
          .expect(201);
    });

    beforeEach(() => {
      const rollouts = (ns: string, files: string[]) =>
        http.get(
          `${K8S}/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`,
          () =>
            HttpResponse.json({
              items: files.map(f => readFixture('rollouts', f)),
            }),
        );
      mocks.use(
        localPassthrough,
        http.get(`${ARGO}/api/v1/applications`, () =>
          HttpResponse.json(readFixture('deployments', 'applications.json')),
        ),
        http.get(
          `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
          () =>
            HttpResponse.json(
              readFixture('deployments', 'revision-metadata.json'),
            ),
        ),
        rollouts('shop', ['rollout-staging-paused-25.json']),
        rollouts('shop-prod', [
          'rollout-production-aborted.json',
          'rollout-bluegreen-paused.json',
        ]),
        http.get(
          `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/:kind`,
          ({ params }) =>
            ['analysisruns', 'experiments'].includes(String(params.kind))
              ? HttpResponse.json({ items: [] })
              : undefined,
        ),
      );
    });

    const canaryRule = async (version: string) => {
      const res = await request(server)
        .get(`${ENTITY}/releases/${version}/gates/production`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return {
        verdict: res.body.verdict,
        ...res.body.rules.find((r: any) => r.rule === 'canary'),
      };
    };
    const promoteFull = async () => {
      const patched: string[] = [];
      const rollout = `${K8S}/apis/argoproj.io/v1alpha1/namespaces/shop-prod/rollouts/checkout`;
      mocks.use(
        http.get(rollout, () =>
          HttpResponse.json(
            readFixture('rollouts', 'rollout-production-aborted.json'),
          ),
        ),
        http.patch(`${rollout}/status`, ({ request: r }) => {
          patched.push(r.url);
          return HttpResponse.json(
            readFixture('rollouts', 'rollout-production-aborted.json'),
          );
        }),
      );
      const res = await request(server)
        .post(`${ENTITY}/rollouts/prod/shop-prod/checkout/promote-full`)
        .set('Authorization', mockCredentials.user.header());
      return { status: res.status, message: res.body.error?.message, patched };
    };
    const save = (a: CanaryAnalysis) =>
      store.transaction(tx => store.insert(tx, a));
    const staging = { namespace: 'shop', name: 'checkout' };
    let errored: CanaryAnalysis;
    const production = { namespace: 'shop-prod', name: 'checkout' };

    it('is pending, not passed, until the judge has a verdict for the release', async () => {
      // A verdict on an earlier canary revision of the same Rollout is not this release's.
      await save(analysis(staging, 1, 'Fail', '1a2b3c4d5e'));
      // Error is retried by the judge: no verdict yet.
      errored = analysis(staging, 1, 'Error');
      await save(errored);
      expect(await canaryRule('1.5.0')).toEqual({
        verdict: 'pass',
        rule: 'canary',
        status: 'pending',
        reason:
          'No canary of 1.5.0 has been judged yet (shop/checkout, shop-prod/checkout run it; the judge answered Error so far).',
      });
      expect(await canaryRule('1.4.0')).toMatchObject({
        status: 'pending',
        reason:
          'No canary of 1.4.0 has been judged yet (no canary Rollout runs it).',
      });
    });

    it('blocks promote-full of the production canary while its verdict is pending, naming the rule', async () => {
      const blocked = await promoteFull();
      expect(blocked.status).toBe(409);
      expect(blocked.message).toContain(
        'Promotion of 1.5.0 into production is blocked by its quality gate. canary (pending): No canary of 1.5.0 has been judged yet',
      );
      expect(blocked.patched).toEqual([]);
    });

    it('passes on Pass and Marginal, saying which was marginal, and fails the gate on a Fail', async () => {
      // The judge asked again after the Error and replaced it with a Pass.
      await store.transaction(tx =>
        store.replace(tx, errored.id, analysis(staging, 1, 'Pass')),
      );
      await save(analysis(staging, 3, 'Marginal'));
      expect(await canaryRule('1.5.0')).toEqual({
        verdict: 'pass',
        rule: 'canary',
        status: 'pass',
        reason:
          '2 canary analyses of 1.5.0 passed; marginal, accepted by the person who promoted past the paused step: shop/checkout step 3 scored 62.5 (judged Marginal).',
      });
      const judged = await promoteFull();
      expect(judged.status).toBe(200);
      expect(judged.patched).toHaveLength(1);

      await save(analysis(production, 1, 'Fail'));
      expect(await canaryRule('1.5.0')).toEqual({
        verdict: 'fail',
        rule: 'canary',
        status: 'fail',
        reason:
          'The canary judge failed 1.5.0: shop-prod/checkout step 1 scored 25 (judged Fail).',
      });
    });
  },
);
