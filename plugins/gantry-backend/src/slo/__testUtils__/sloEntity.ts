import type { UrlReaderService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';

/** The checkout component with the given annotations (SLO specs inline or by reference). */
export const sloEntity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/payments' },
});

/** For specs given inline: nothing is read from a URL. */
export const noReader = {
  readUrl: async () => {
    throw new Error('not used');
  },
} as unknown as UrlReaderService;
