import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readFixture } from '../__testUtils__/fixtures';
import { checkoutEntity } from '../__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/databases';
import { readGantryConfig } from '../kernel/config/gantryConfig';
import { DeploymentsService } from '../deployments/DeploymentsService';
import { ArgoCdClient } from '../providers/ArgoCdClient';
import { RolloutsClient } from '../providers/RolloutsClient';
import { DriftService } from './DriftService';
import { KnexDriftStore } from './KnexDriftStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const ARGO = 'https://argocd.test';
const K8S = 'https://k8s.test';
const entity = checkoutEntity;

describe.each(databases.eachSupportedId())('drift notices on %s', id => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);
  let synced = false;

  beforeEach(() => {
    synced = false;
    mocks.use(
      http.get(`${ARGO}/api/v1/applications`, () => {
        const apps = readFixture('deployments', 'applications.json');
        if (synced)
          for (const a of apps.items) {
            a.status.sync.status = 'Synced';
            a.status.resources = [];
          }
        return HttpResponse.json(apps);
      }),
      http.get(
        `${ARGO}/api/v1/applications/:name/revisions/:rev/metadata`,
        () =>
          HttpResponse.json(
            readFixture('deployments', 'revision-metadata.json'),
          ),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/rollouts`,
        ({ params }) =>
          HttpResponse.json({
            items:
              params.ns === 'shop-prod' && !synced
                ? [readFixture('rollouts', 'rollout-production-aborted.json')]
                : [],
          }),
      ),
      http.get(
        `${K8S}/apis/argoproj.io/v1alpha1/namespaces/:ns/analysisruns`,
        () => HttpResponse.json({ items: [] }),
      ),
    );
  });

  it('tells the owners once, after the threshold, what differs and what to do', async () => {
    const db = await databases.init(id);
    await db.migrate.latest({ directory: `${__dirname}/../../migrations` });
    const config = readGantryConfig(
      new ConfigReader({
        gantry: {
          argocd: { instances: [{ name: 'main', url: ARGO }] },
          kubernetes: { clusters: [{ name: 'prod', url: K8S }] },
        },
      }),
    );
    let now = new Date('2026-11-26T10:00:00Z');
    const sent: Array<{
      recipients: string[];
      title: string;
      description: string;
    }> = [];
    const drift = new DriftService({
      store: new KnexDriftStore(db),
      catalog: catalogServiceMock({ entities: [entity] }),
      auth: mockServices.auth(),
      deployments: new DeploymentsService({
        argocd: new ArgoCdClient(config.argocdInstances),
        rollouts: new RolloutsClient(config.kubernetesClusters),
        config,
      }),
      notifier: { notify: async m => void sent.push(m) },
      logger: mockServices.logger.mock(),
      thresholdMs: 15 * 60_000,
      now: () => now,
    });
    const at = (minutes: number) => {
      now = new Date(Date.parse('2026-11-26T10:00:00Z') + minutes * 60_000);
      return drift.check();
    };

    expect(await at(0)).toBe(0);
    expect(await at(10)).toBe(0);
    expect(await at(16)).toBe(2);
    expect(sent.map(s => [s.recipients, s.title])).toEqual([
      [
        ['group:default/payments'],
        'checkout-production (production) is OutOfSync with Git',
      ],
      [
        ['group:default/payments'],
        'Rollout shop-prod/checkout (production) is Degraded',
      ],
    ]);
    expect(sent[0].description).toBe(
      'Since 2026-11-26T10:00:00.000Z. Differs from Git: Rollout shop-prod/checkout. Sync it from the Delivery tab to apply Git, or revert the Git change if the live state is the one you want.',
    );
    // deduplicated while it persists
    expect(await at(45)).toBe(0);
    // fixed, then drifting again: a new notice after a new threshold
    synced = true;
    expect(await at(50)).toBe(0);
    synced = false;
    expect(await at(55)).toBe(0);
    expect(await at(71)).toBe(2);
  });
});
