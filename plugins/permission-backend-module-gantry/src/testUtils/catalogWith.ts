import { createBackendModule } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';

/** A catalog module that feeds `entities` into the real catalog, as a provider would. */
export const catalogWith = (entities: Entity[]) =>
  createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-entities',
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'test-entities',
            connect: async connection =>
              connection.applyMutation({
                type: 'full',
                // The catalog computes relations itself; entities may carry some for mocks.
                entities: entities.map(
                  ({ relations: _computed, ...entity }) => ({
                    locationKey: 'test-entities',
                    entity: {
                      ...entity,
                      metadata: {
                        namespace: 'default',
                        ...entity.metadata,
                        annotations: {
                          'backstage.io/managed-by-location':
                            'url:https://test/',
                          'backstage.io/managed-by-origin-location':
                            'url:https://test/',
                          ...entity.metadata.annotations,
                        },
                      },
                    },
                  }),
                ),
              }),
          });
        },
      });
    },
  });

export const group = (
  name: string,
  extra: { parent?: string; children?: string[] } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: extra.children ?? [], parent: extra.parent },
});

export const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { memberOf },
});

export const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner },
});
