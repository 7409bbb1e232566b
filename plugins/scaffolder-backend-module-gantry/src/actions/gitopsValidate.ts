import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeViolations, validateTree } from '../gitops/validate';

/** `gantry:gitops:validate` checks a generated or hand-edited GitOps tree and fails on any violation. */
export function createGitopsValidateAction() {
  return createTemplateAction({
    id: 'gantry:gitops:validate',
    description:
      'Validates a GitOps tree: every manifest against its Kubernetes, Argo Rollouts, Argo CD, External Secrets or Prometheus Operator schema, every Alertmanager config (alertmanager.yml files and AlertmanagerConfig resources) with amtool check-config, and policy (restricted Pod Security Standard, limits, pinned images, production PDB and replicas, canary steps ascending to 100, TLS on every route host and STRICT Istio mTLS where required, no Chaos Mesh experiment in production; Chaos Mesh PodChaos/NetworkChaos against their CRD fields). Fails on any violation, naming file, object and field.',
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .optional()
            .describe(
              'Tree to validate, relative to the workspace; default the workspace root',
            ),
        build: z =>
          z
            .enum(['kustomize', 'none'])
            .optional()
            .describe(
              'kustomize (default): build each Kustomization root with kubectl kustomize; none: check files as they are',
            ),
        environment: z =>
          z
            .string()
            .optional()
            .describe(
              'Treat every manifest as this environment (e.g. production)',
            ),
        requireTls: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Environments whose Ingress, HTTPRoute and Istio mesh must carry TLS, besides those the overlays mark gantry.dev/require-tls (e.g. [production])',
            ),
      },
      output: {
        valid: z => z.boolean(),
        checked: z => z.number().describe('Objects checked against a schema'),
        unchecked: z =>
          z
            .array(z.string())
            .describe('apiVersion/kind without a known schema'),
        alertmanagerChecked: z =>
          z
            .number()
            .describe('Alertmanager configs checked with amtool check-config'),
        violations: z =>
          z.array(
            z.object({
              file: z.string(),
              object: z.string(),
              field: z.string(),
              message: z.string(),
              fix: z.string(),
            }),
          ),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const root = resolveSafeChildPath(ctx.workspacePath, input.path ?? '.');
      const report = await validateTree(root, {
        build: input.build ?? 'kustomize',
        environment: input.environment,
        requireTls: input.requireTls,
      });
      ctx.output('valid', report.valid);
      ctx.output('checked', report.checked);
      ctx.output('unchecked', report.unchecked);
      ctx.output('alertmanagerChecked', report.alertmanagerChecked);
      ctx.output('violations', report.violations);
      if (report.unchecked.length)
        ctx.logger.warn(
          `No schema known for ${report.unchecked.join(
            ', ',
          )}; checked by policy only`,
        );
      if (!report.valid) {
        throw new InputError(
          `The GitOps tree has ${
            report.violations.length
          } violation(s):\n${describeViolations(report.violations)}`,
        );
      }
      ctx.logger.info(
        `GitOps tree valid: ${report.checked} object(s) checked against their schemas, ${report.alertmanagerChecked} Alertmanager config(s) with amtool`,
      );
    },
  });
}
