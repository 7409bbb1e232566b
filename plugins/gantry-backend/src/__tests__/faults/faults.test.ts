import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { startGantry } from '../../__testUtils__/backend';

jest.setTimeout(120_000);
const TIMEOUT_MS = 1500;
/** What a caller may wait on a dependency that is down, hung or lying: the timeout plus slack. */
const BOUND_MS = TIMEOUT_MS * 2 + 3000;

type Mode = 'down' | 'slow' | 'garbage';

/**
 * One loopback server standing in for Argo CD, the Kubernetes API and Prometheus at
 * once, misbehaving as told: hung (accepts, never answers) or answering garbage. "down"
 * is a port nobody listens on.
 */
async function faultyServer(mode: Mode) {
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((_req, res) => {
    if (mode === 'slow') {
      open.add(res);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html><body>502 Bad Gateway (upstream proxy)</body></html>');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  if (mode === 'down') {
    await new Promise(r => server.close(r));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const res of open) res.destroy();
      if (mode !== 'down') await new Promise(r => server.close(r));
    },
  };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'argocd/app-name': 'checkout-production',
      'backstage.io/kubernetes-id': 'checkout',
      'gantry.dev/canary-analysis': 'default',
      'gantry.dev/slos': fs.readFileSync(
        path.join(
          __dirname,
          '..',
          '..',
          'slo',
          '__fixtures__',
          'sloth-checkout.yaml',
        ),
        'utf8',
      ),
    },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};

describe.each<Mode>(['down', 'slow', 'garbage'])(
  'with Argo CD, Kubernetes and Prometheus %s',
  mode => {
    let upstream: Awaited<ReturnType<typeof faultyServer>>;
    let server: any;
    beforeAll(async () => {
      upstream = await faultyServer(mode);
      server = await startGantry({
        entities: [entity],
        config: {
          gantry: {
            argocd: {
              timeoutMs: TIMEOUT_MS,
              instances: [{ name: 'main', url: upstream.url }],
            },
            kubernetes: {
              timeoutMs: TIMEOUT_MS,
              clusters: [{ name: 'prod', url: upstream.url }],
            },
            prometheus: { baseUrl: upstream.url, timeoutMs: TIMEOUT_MS },
          },
        },
      });
    });
    afterAll(() => upstream.close());

    const timed = async (req: request.Test) => {
      const t0 = Date.now();
      const res = await req;
      return { res, ms: Date.now() - t0 };
    };
    const user = () => mockCredentials.user.header();
    const base = '/api/gantry/entities/default/component/checkout';

    it('still shows the pipeline, saying which source failed, within the timeout', async () => {
      const { res, ms } = await timed(
        request(server).get(`${base}/deployments`).set('Authorization', user()),
      );
      expect(ms).toBeLessThan(BOUND_MS);
      expect(res.status).toBe(200);
      expect(res.body.applications).toEqual([]);
      expect(res.body.errors).toEqual([
        {
          source: 'argocd:main',
          message: expect.stringMatching(/Argo CD main/),
        },
      ]);
    });

    it('answers a rollout action with 503 naming the cluster, not a hung request or a 500', async () => {
      const { res, ms } = await timed(
        request(server)
          .post(`${base}/rollouts/prod/shop/checkout/abort`)
          .set('Authorization', user()),
      );
      expect(ms).toBeLessThan(BOUND_MS);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/Kubernetes API of cluster prod/);
    });

    it('never passes a canary it could not measure', async () => {
      const { res, ms } = await timed(
        request(server)
          .post(`${base}/canary/analyses`)
          .set('Authorization', mockCredentials.service.header())
          .send({
            rolloutNamespace: 'shop',
            rollout: 'checkout',
            step: 2,
            canaryHash: '6f9c7d8b5d',
            baselineHash: '5b8d9c7f4c',
          }),
      );
      expect(ms).toBeLessThan(BOUND_MS * 3);
      expect(res.status).toBe(200);
      expect(res.body.verdict).toBe('Error');
      expect(res.body.reason ?? JSON.stringify(res.body)).toMatch(/Prometheus/);
    });

    it('reports the SLOs as unreadable rather than healthy', async () => {
      const { res, ms } = await timed(
        request(server).get(`${base}/slos`).set('Authorization', user()),
      );
      expect(ms).toBeLessThan(BOUND_MS * 3);
      expect(res.status).toBeLessThan(600);
      expect(JSON.stringify(res.body)).toMatch(/Prometheus/);
      expect(JSON.stringify(res.body)).not.toMatch(/"status":"ok"/);
    });

    it('keeps serving: health answers after all of it', async () => {
      const health = await request(server).get('/api/gantry/health');
      expect(health.status).toBe(200);
    });
  },
);
