import type { Entity } from '@backstage/catalog-model';

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    title: 'Checkout',
    annotations: {
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'backstage.io/kubernetes-id': 'checkout',
      'gantry.dev/compliance-policy': 'default',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};

export const plainEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-batch', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};
