import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import { parseLabelSelector, type LabelSelector } from './labelSelector';

/**
 * The label selector an entity's workloads match: backstage.io/kubernetes-label-selector
 * (any Kubernetes selector), else backstage.io/kubernetes-id=<id>; undefined when the
 * entity has neither. An annotation that is no selector is an InputError naming it.
 */
export function entitySelector(entity: Entity): LabelSelector | undefined {
  const a = entity.metadata.annotations ?? {};
  const parse = (annotation: string, text: string) => {
    try {
      return parseLabelSelector(text);
    } catch (e) {
      throw new InputError(
        `The ${annotation} annotation of ${entity.metadata.name} is wrong: ${
          (e as Error).message
        } Fix it in the entity's catalog-info.yaml.`,
      );
    }
  };
  const selector = a[ANNOTATIONS.kubernetesLabelSelector]?.trim();
  if (selector) return parse(ANNOTATIONS.kubernetesLabelSelector, selector);
  const id = a[ANNOTATIONS.kubernetesId]?.trim();
  return id
    ? parse(ANNOTATIONS.kubernetesId, `${ANNOTATIONS.kubernetesId}=${id}`)
    : undefined;
}
