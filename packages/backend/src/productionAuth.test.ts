import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authBackend from '@backstage/plugin-auth-backend';
import authBackendModuleGuestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import request from 'supertest';

jest.setTimeout(60_000);

/** The portal's auth plugin and guest provider, as features.ts adds them, under `nodeEnv`. */
async function guestSignIn(nodeEnv: string, guest: object = {}) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  const backend = await startTestBackend({
    features: [
      authBackend,
      authBackendModuleGuestProvider,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { environment: 'production', providers: { guest } },
        },
      }),
    ],
  });
  try {
    return await request(backend.server)
      .get('/api/auth/guest/refresh?env=production')
      .set('X-Requested-With', 'XMLHttpRequest');
  } finally {
    await backend.stop();
    process.env.NODE_ENV = previous;
  }
}

describe('guest sign-in', () => {
  it('is refused when NODE_ENV=production (the image runs so)', async () => {
    const res = await guestSignIn('production');
    expect(res.status).toBe(403);
    expect(res.body.backstageIdentity).toBeUndefined();
    expect(res.body.error.message).toMatch(
      /outside of a development environment/,
    );
  });

  it('signs in in development, so the refusal above is the environment, not a broken provider', async () => {
    const res = await guestSignIn('development');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.token).toEqual(expect.any(String));
  });

  it('is possible in a production build only when a demo config says so explicitly', async () => {
    const res = await guestSignIn('production', {
      dangerouslyAllowOutsideDevelopment: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.token).toEqual(expect.any(String));
  });
});
