import { InputError } from '@backstage/errors';
import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Server } from 'node:http';
import request from 'supertest';
import type { z } from 'zod';
import { createTestDatabases } from '../../__testUtils__/databases';
import { deploymentEvent } from '../../history/webhookPayloads';
import { parseBody } from '../../kernel/http/validate';
import { alertmanagerWebhook } from '../../incidents/alertmanagerPayload';
import { bodyTextOf, jsonInputOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';
import { unexpectedThrowSync } from './__testUtils__/thrown';

jest.setTimeout(180_000);
const databases = createTestDatabases();

const argoCd = {
  source: 'argocd',
  instance: 'main',
  application: 'checkout-production',
  labels: {
    'app.kubernetes.io/name': 'checkout',
    'gantry.dev/environment': 'production',
  },
  entityRef: 'component:default/checkout',
  revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
  phase: 'Succeeded',
  startedAt: '2026-11-26T09:30:00Z',
  finishedAt: '2026-11-26T09:31:00Z',
  initiatedBy: { username: 'alice', automated: 'false' },
  message: 'successfully synced',
};
const rollouts = {
  source: 'argo-rollouts',
  event: 'rollout-aborted',
  application: 'checkout-production',
  environment: 'production',
  entityRef: 'component:default/checkout',
  rollout: 'checkout',
  namespace: 'shop-prod',
  revision: '<no value>',
  at: '2026-11-26T09:40:00Z',
  message: 'canary step 2 failed',
};
const alert = {
  status: 'firing',
  labels: {
    alertname: 'CheckoutHighErrorRate',
    severity: 'page',
    gantry_entity: 'component:default/checkout',
    environment: 'production',
  },
  annotations: { summary: 'checkout is burning its error budget' },
  startsAt: '2026-11-26T10:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph',
  fingerprint: 'c6b2ad1f0a4e9b37',
};
const alertmanager = {
  receiver: 'gantry',
  status: 'firing',
  alerts: [alert, { ...alert, status: 'resolved', fingerprint: '0f0f' }],
  groupLabels: { alertname: 'CheckoutHighErrorRate' },
  commonLabels: { severity: 'page' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}:{alertname="CheckoutHighErrorRate"}',
  truncatedAlerts: 0,
};

const PARSER_RUNS = 10_000;
const HTTP_RUNS = 1_000;

const targets: Array<{
  name: string;
  schema: z.ZodTypeAny;
  seeds: object[];
  path: string;
  tables: string[];
}> = [
  {
    name: 'deployment events',
    schema: deploymentEvent,
    seeds: [argoCd, rollouts],
    path: '/api/gantry/deployments/events',
    tables: ['gantry_deployments', 'gantry_audit_log'],
  },
  {
    name: 'Alertmanager webhooks',
    schema: alertmanagerWebhook,
    seeds: [alertmanager],
    path: '/api/gantry/alerts/alertmanager',
    tables: ['gantry_alerts', 'gantry_incidents', 'gantry_audit_log'],
  },
];

describe.each(targets)('$name', ({ schema, seeds, path, tables }) => {
  it(`parse ${PARSER_RUNS} fuzzed payloads or reject them with an InputError that names the field`, () => {
    fc.assert(
      fc.property(jsonInputOf(seeds), body => {
        expect(
          unexpectedThrowSync(() => parseBody(schema, body), InputError),
        ).toBeUndefined();
      }),
      // Found by this test: an object without a usable toString crashed the parser (500).
      {
        numRuns: PARSER_RUNS,
        examples: [
          [
            {
              ...seeds[0],
              initiatedBy: JSON.parse('{"automated":{"toString":"x"}}'),
            },
          ],
        ],
      },
    );
  });

  // Every payload goes through the parser above; fewer HTTP cases keep CI fast.
  describe('over HTTP', () => {
    let server: Server;
    let rows: (t: string[]) => Promise<Record<string, number>>;
    beforeAll(async () => {
      ({ server, rows } = await startFuzzBackend(databases));
    });

    it(`answer ${HTTP_RUNS} fuzzed payloads with 2xx or a 4xx message, never 5xx, and store nothing they reject`, async () => {
      const verdicts = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(bodyTextOf(seeds), async text => {
          const before = await rows(tables);
          const res = await request(server)
            .post(path)
            .set('Authorization', mockCredentials.service.header())
            .set('Content-Type', 'application/json')
            .send(text);
          const verdict = verdictOf(res);
          verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
          expect(['accepted', 'rejected']).toContain(verdict);
          // Rejected input leaves no rows behind.
          const after = verdict === 'accepted' ? before : await rows(tables);
          expect(after).toEqual(before);
        }),
        { numRuns: HTTP_RUNS },
      );
      // Valid input was stored, not only rejected.
      expect(verdicts.get('accepted')).toBeGreaterThan(0);
    });
  });
});
