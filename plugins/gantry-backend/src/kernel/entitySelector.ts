import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';

type Labels = Record<string, string>;

/** The label selector an entity's workloads carry (backstage.io/kubernetes-* annotations). */
export function entitySelector(entity: Entity): Labels | undefined {
  const a = entity.metadata.annotations ?? {};
  const selector = a[ANNOTATIONS.kubernetesLabelSelector];
  if (selector) {
    return Object.fromEntries(
      selector
        .split(',')
        .map(pair => pair.split('=').map(s => s.trim()) as [string, string]),
    );
  }
  const id = a[ANNOTATIONS.kubernetesId];
  return id ? { [ANNOTATIONS.kubernetesId]: id } : undefined;
}
