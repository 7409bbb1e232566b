import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { localPassthrough, startGantry } from '../__testUtils__/backend';
import { checkoutEntity } from '../__testUtils__/entities';
import { readFixture } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);
const ARGO = 'https://argocd.test';

describe('deployments capability: the annotation must find an application', () => {
  const mocks = setupServer();
  registerMswTestHooks(mocks);

  async function deployments(answer: () => Response) {
    mocks.use(
      localPassthrough,
      http.get(`${ARGO}/api/v1/applications`, answer),
    );
    const server = await startGantry({
      config: {
        gantry: { argocd: { instances: [{ name: 'main', url: ARGO }] } },
      },
      entities: [checkoutEntity],
    });
    const res = await request(server)
      .get('/api/gantry/entities/default/component/checkout/overview')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body.capabilities.find((c: any) => c.id === 'deployments');
  }

  it('says no application was found for the selector when Argo CD lists none', async () => {
    const cap = await deployments(() =>
      HttpResponse.json({ metadata: {}, items: null }),
    );
    expect(cap.configured).toBe(false);
    expect(cap.missing).toEqual([
      expect.objectContaining({
        kind: 'annotation',
        keys: ['argocd/app-selector'],
        message: expect.stringContaining(
          'No application found for selector app.kubernetes.io/name=checkout on Argo CD main',
        ),
      }),
    ]);
  });

  it('is configured when the selector matches', async () => {
    const cap = await deployments(() =>
      HttpResponse.json(readFixture('deployments', 'applications.json')),
    );
    expect(cap).toMatchObject({ configured: true, missing: [] });
  });

  it('claims nothing when Argo CD cannot be read', async () => {
    const cap = await deployments(
      () => new HttpResponse('upstream connect error', { status: 503 }),
    );
    expect(cap).toMatchObject({ configured: true, missing: [] });
  });
});
