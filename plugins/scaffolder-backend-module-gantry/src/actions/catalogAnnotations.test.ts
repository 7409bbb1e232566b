import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createCatalogAnnotationsAction } from './catalogAnnotations';

describe('gantry:catalog:annotations', () => {
  const action = createCatalogAnnotationsAction();

  it('produces the annotations every Gantry capability reads', async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'checkout',
        namespace: 'payments',
        argocdInstance: 'main',
      },
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('annotations', {
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'argocd/instance-name': 'main',
      'backstage.io/kubernetes-id': 'checkout',
      'backstage.io/kubernetes-namespace': 'payments',
      'gantry.dev/canary-analysis': 'default',
      'gantry.dev/slo-spec': './slos.yaml',
      'gantry.dev/feature-flags': 'enabled',
      'gantry.dev/compliance-policy': 'default',
    });
  });

  it('publishes input and output JSON schemas for the action list', () => {
    const input = action.schema?.input as any;
    expect(input.required).toEqual(['name', 'namespace']);
    expect(input.properties.name.pattern).toBe(
      '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    );
    expect((action.schema?.output as any).properties.annotations.type).toBe(
      'object',
    );
  });
});
