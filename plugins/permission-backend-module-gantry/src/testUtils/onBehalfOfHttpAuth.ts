import {
  coreServices,
  createServiceFactory,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * The mock httpAuth, except that a token one plugin minted on behalf of a user carries
 * an actor, as real on-behalf-of tokens do. The permission backend and the catalog's
 * apply-conditions endpoint refuse user credentials without an actor, so without this
 * the real permission backend cannot run on the mock auth services.
 */
export const onBehalfOfHttpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      issueUserCookie: (res, options) => inner.issueUserCookie(res, options),
      async credentials(req, options) {
        const credentials = await inner.credentials(req, options as any);
        const token =
          req.headers.authorization?.match(/^Bearer +(\S+)$/i)?.[1] ?? '';
        if (!token.startsWith(SERVICE_TOKEN_PREFIX)) return credentials;
        const { obo } = JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length));
        if (!obo) return credentials;
        return mockCredentials.user(obo, {
          actor: { subject: 'plugin:on-behalf-of' },
        }) as any;
      },
    };
  },
});
