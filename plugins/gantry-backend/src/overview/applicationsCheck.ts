import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS, type MissingItem } from '@gantry/plugin-gantry-common';
import type { CapabilityCheck } from '@gantry/plugin-gantry-node';
import type { ArgoCdClient } from '../providers/ArgoCdClient';

type Lookup = 'found' | 'absent' | 'unknown';

/**
 * Annotated is not the same as deployed: the deployments capability is ready only when
 * the annotation finds an Argo CD application. An instance that cannot be read says
 * nothing either way (the pipeline shows that error), so only a clean "nothing
 * matches" from every instance asked counts as missing.
 */
export function applicationsCheck(
  argocd: Pick<ArgoCdClient, 'names' | 'listApplications' | 'getApplication'>,
): CapabilityCheck {
  return {
    capability: 'deployments',
    check: async (entity: Entity): Promise<MissingItem[]> => {
      const a = entity.metadata.annotations ?? {};
      const selector = a[ANNOTATIONS.argocdAppSelector];
      const name = a[ANNOTATIONS.argocdAppName];
      const wanted = (a[ANNOTATIONS.argocdInstanceName] ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
      const instances = argocd
        .names()
        .filter(n => !wanted.length || wanted.includes(n));
      if (instances.length === 0 || (!selector && !name)) return [];
      const appNamespace = a[ANNOTATIONS.argocdAppNamespace];
      const projects = a[ANNOTATIONS.argocdProjectName]
        ? [a[ANNOTATIONS.argocdProjectName]]
        : undefined;
      const results = await Promise.all(
        instances.map(async (instance): Promise<Lookup> => {
          try {
            if (selector) {
              const apps = await argocd.listApplications(instance, {
                selector,
                projects,
                appNamespace,
              });
              return apps.length ? 'found' : 'absent';
            }
            await argocd.getApplication(instance, name!, appNamespace);
            return 'found';
          } catch (e) {
            return (e as Error).name === 'NotFoundError' ? 'absent' : 'unknown';
          }
        }),
      );
      if (!results.every(r => r === 'absent')) return [];
      const where = `on Argo CD ${instances.join(', ')}`;
      return [
        selector
          ? {
              kind: 'annotation',
              keys: [ANNOTATIONS.argocdAppSelector],
              message: `No application found for selector ${selector} ${where}. Check the ${ANNOTATIONS.argocdAppSelector} annotation against the applications' labels.`,
            }
          : {
              kind: 'annotation',
              keys: [ANNOTATIONS.argocdAppName],
              message: `No application named ${name} found ${where}. Check the ${ANNOTATIONS.argocdAppName} annotation against the applications' names.`,
            },
      ];
    },
  };
}
