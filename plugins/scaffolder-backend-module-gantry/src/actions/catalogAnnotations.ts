import type { RootConfigService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';

/**
 * `gantry:catalog:annotations` computes the Gantry annotations for a new service from
 * the same names the rest of Gantry reads (gantry-common), so a template never
 * hard-codes them. The output goes into the generated catalog-info.yaml, with where
 * the service's TechDocs runbooks will be (from `app.baseUrl`) for the alerts' runbook_url.
 */
export function createCatalogAnnotationsAction(
  options: { config?: RootConfigService } = {},
) {
  const appUrl = (
    options.config?.getOptionalString('app.baseUrl') ?? ''
  ).replace(/\/$/, '');
  return createTemplateAction({
    id: 'gantry:catalog:annotations',
    supportsDryRun: true,
    description:
      'Computes the catalog annotations that enable Gantry (Argo CD, Argo Rollouts, canary analysis, SLOs, feature flags, compliance) for a service.',
    examples: [
      {
        description:
          'Annotations for a service deployed by Argo CD and Argo Rollouts',
        example: `steps:
  - id: annotations
    action: gantry:catalog:annotations
    input:
      name: checkout
      namespace: payments`,
      },
    ],
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
              message:
                'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
            })
            .max(63)
            .describe(
              'Service name; also the Argo CD app label and Kubernetes id',
            ),
        namespace: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
              message:
                'must be a DNS-1123 label (lowercase letters, digits and "-")',
            })
            .describe('Kubernetes namespace the service runs in'),
        argocdInstance: z =>
          z
            .string()
            .optional()
            .describe('Argo CD instance name from gantry.argocd.instances'),
        sloSpecPath: z =>
          z
            .string()
            .default('./slos.yaml')
            .describe('Path of the SLO spec in the service repo'),
        compliancePolicy: z =>
          z.string().default('default').describe('Quality gate policy name'),
        entityNamespace: z =>
          z
            .string()
            .default('default')
            .describe('Catalog namespace of the component'),
      },
      output: {
        annotations: z =>
          z
            .record(z.string())
            .describe('Annotations to put in metadata.annotations'),
        runbookBaseUrl: z =>
          z
            .string()
            .describe(
              "The component's TechDocs runbooks: <app.baseUrl>/docs/<namespace>/component/<name>/runbooks",
            ),
        entityRef: z =>
          z
            .string()
            .describe('component:<namespace>/<name>, as alerts carry it'),
      },
    },
    async handler(ctx) {
      const {
        name,
        namespace,
        argocdInstance,
        sloSpecPath,
        compliancePolicy,
        entityNamespace = 'default',
      } = ctx.input;
      const annotations: Record<string, string> = {
        [ANNOTATIONS.argocdAppSelector]: `app.kubernetes.io/name=${name}`,
        [ANNOTATIONS.kubernetesId]: name,
        [ANNOTATIONS.kubernetesNamespace]: namespace,
        [ANNOTATIONS.canaryAnalysis]: 'default',
        [ANNOTATIONS.sloSpec]: sloSpecPath ?? './slos.yaml',
        [ANNOTATIONS.featureFlags]: 'enabled',
        [ANNOTATIONS.compliancePolicy]: compliancePolicy ?? 'default',
      };
      if (argocdInstance)
        annotations[ANNOTATIONS.argocdInstanceName] = argocdInstance;
      ctx.logger.info(
        `Gantry annotations for ${name}: ${Object.keys(annotations).length}`,
      );
      ctx.output('annotations', annotations);
      ctx.output(
        'runbookBaseUrl',
        `${appUrl}/docs/${entityNamespace}/component/${name}/runbooks`,
      );
      ctx.output('entityRef', `component:${entityNamespace}/${name}`);
    },
  });
}
