/* eslint-disable no-console */
// Benchmark (not a test): the Rollouts attention page's API over BENCH_ENTITIES (default
// 1000) annotated entities, against a fixture Argo CD and Kubernetes API that answer
// every request after BENCH_UPSTREAM_MS (default 100 ms). Prints the page API's p50/p95
// over HTTP (served from the refreshed snapshot) and, as the peer in the same run, one
// page load on the fan-out path (what every page load used to cost: reading each
// entity's pipeline from Argo CD and Kubernetes), with the ratio.
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { built, describeBuild } from './productionBuild';

// The measured code is the built package's (bench/productionBuild.ts), typed as its sources.
const { readGantryConfig } = built<
  typeof import('../src/kernel/config/gantryConfig')
>('kernel/config/gantryConfig');
const { DeploymentsService } = built<
  typeof import('../src/deployments/DeploymentsService')
>('deployments/DeploymentsService');
const { ArgoCdClient } = built<typeof import('../src/providers/ArgoCdClient')>(
  'providers/ArgoCdClient',
);
const { RolloutsClient } = built<
  typeof import('../src/providers/RolloutsClient')
>('providers/RolloutsClient');
const { RolloutAttentionService } = built<
  typeof import('../src/rollouts/RolloutAttentionService')
>('rollouts/RolloutAttentionService');
const { RolloutAttentionSnapshot } = built<
  typeof import('../src/rollouts/RolloutAttentionSnapshot')
>('rollouts/RolloutAttentionSnapshot');
const { createRolloutsRouter } =
  built<typeof import('../src/rollouts/router')>('rollouts/router');

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 1000);
const UPSTREAM_MS = Number(process.env.BENCH_UPSTREAM_MS ?? 100);
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 200);

const rolloutFixture = JSON.parse(
  fs.readFileSync(
    path.join(
      __dirname,
      '../src/rollouts/__fixtures__/rollout-staging-paused-25.json',
    ),
    'utf8',
  ),
);
const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;

/** Argo CD and Kubernetes, each answer after UPSTREAM_MS; every 10th service has a paused canary. */
function startFixture(): Promise<{ url: string; close: () => void }> {
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown = { metadata: {}, items: [] };
    const selector = url.searchParams.get('selector');
    const labelSelector = url.searchParams.get('labelSelector');
    if (url.pathname === '/api/v1/applications' && selector) {
      const svc = selector.split('=')[1];
      body = {
        metadata: {},
        items: [
          {
            metadata: {
              name: `${svc}-staging`,
              namespace: 'argocd',
              labels: {
                'app.kubernetes.io/name': svc,
                'gantry.dev/environment': 'staging',
              },
            },
            spec: {
              project: 'default',
              destination: { server: `${base}/k8s`, namespace: 'shop' },
              source: { repoURL: 'https://git.example/gitops', path: svc },
            },
            status: {
              sync: { status: 'Synced', revision: 'a'.repeat(40) },
              health: { status: 'Suspended' },
            },
          },
        ],
      };
    } else if (url.pathname.endsWith('/rollouts') && labelSelector) {
      const svc = labelSelector.split('=')[1];
      if (Number(svc.slice(4)) % 10 === 0) {
        body = {
          items: [
            {
              ...rolloutFixture,
              metadata: {
                ...rolloutFixture.metadata,
                name: svc,
                labels: {
                  ...rolloutFixture.metadata.labels,
                  'backstage.io/kubernetes-id': svc,
                },
              },
            },
          ],
        };
      }
    } else if (url.pathname.includes('/revisions/')) {
      body = { author: 'dev', date: '2026-11-26T10:00:00Z', message: 'bench' };
    }
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    }, UPSTREAM_MS);
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url: base, close: () => server.close() });
    }),
  );
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor(q * xs.length))
  ];

async function main() {
  console.log(describeBuild());
  const fixture = await startFixture();
  const config = new ConfigReader({
    gantry: {
      argocd: { instances: [{ name: 'main', url: fixture.url, token: 't' }] },
      kubernetes: {
        clusters: [
          {
            name: 'prod',
            url: `${fixture.url}/k8s`,
            serviceAccountToken: 't',
            skipTLSVerify: true,
          },
        ],
      },
    },
  });
  const gantry = readGantryConfig(config);
  const deployments = new DeploymentsService({
    argocd: new ArgoCdClient(gantry.argocdInstances),
    rollouts: new RolloutsClient(gantry.kubernetesClusters),
    config: gantry,
  });
  const entities: Entity[] = Array.from({ length: ENTITIES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: name(i),
      namespace: 'default',
      annotations: {
        'argocd/app-selector': `app.kubernetes.io/name=${name(i)}`,
        'backstage.io/kubernetes-id': name(i),
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  }));
  const catalog = new InMemoryCatalogClient({
    entities,
  }) as unknown as CatalogService;
  const user: BackstageCredentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/alice' },
  } as BackstageCredentials;
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child() {
      return logger;
    },
  } as unknown as LoggerService;
  const snapshot = new RolloutAttentionSnapshot({
    catalog,
    auth: {
      getOwnServiceCredentials: async () => user,
    } as unknown as AuthService,
    deployments,
    logger,
  });
  const service = new RolloutAttentionService({
    catalog,
    userInfo: {
      getUserInfo: async () => ({
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/payments'],
      }),
    } as UserInfoService,
    groupsOf: async () => ['group:default/payments'],
    snapshot,
    refreshSeconds: 60,
  });

  // The peer: one page load's worth of fan-out (the scheduled refresh does the same work).
  const t0 = performance.now();
  const state = await snapshot.refresh();
  const fanOut = performance.now() - t0;

  const app = express();
  app.use(
    createRolloutsRouter({
      httpAuth: { credentials: async () => user } as unknown as HttpAuthService,
      access: undefined as never,
      rollouts: undefined as never,
      rolloutAttention: service,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const api = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/rollouts/attention?scope=all`;
  const times: number[] = [];
  let last: any;
  for (let i = 0; i < PAGE_LOADS; i++) {
    const s = performance.now();
    last = await (await fetch(api)).json();
    times.push(performance.now() - s);
  }
  server.close();
  fixture.close();
  if (last.errors.length) console.log('first error:', last.errors[0]);

  const p95 = quantile(times, 0.95);
  console.log(
    `rollout attention page API, ${ENTITIES} entities, upstream ${UPSTREAM_MS} ms: ` +
      `p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(
        1,
      )} ms over ${PAGE_LOADS} loads; ` +
      `complete=${last.complete}, entities=${last.entities}, items=${last.items.length}, errors=${last.errors.length} ` +
      `(snapshot held ${state.byEntity.size})`,
  );
  console.log(
    `peer: fan-out page load (every entity read from Argo CD + Kubernetes) ${fanOut.toFixed(
      0,
    )} ms; ` +
      `ratio fan-out / snapshot p95 ${(fanOut / p95).toFixed(
        0,
      )}x; p95 <= 300 ms: ${p95 <= 300 ? 'yes' : 'NO'}`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
