import { mockServices } from '@backstage/backend-test-utils';
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

  it("says where the component's TechDocs runbooks will be, from app.baseUrl", async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'checkout',
        namespace: 'payments',
        entityNamespace: 'shop',
      },
    });
    await createCatalogAnnotationsAction({
      config: mockServices.rootConfig({
        data: { app: { baseUrl: 'https://portal.acme.dev/' } },
      }),
    }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith(
      'runbookBaseUrl',
      'https://portal.acme.dev/docs/shop/component/checkout/runbooks',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:shop/checkout',
    );
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
