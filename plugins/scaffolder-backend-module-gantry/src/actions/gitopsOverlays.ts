import {
  resolveSafeChildPath,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import path from 'node:path';
import { generateOverlays } from '../gitops/generate';
import { describeCanaryPlan } from '../gitops/canaryPlan';
import {
  CHAOS_EXPERIMENTS,
  ENVIRONMENTS,
  MIGRATION_TOOLS,
  overlayOptionsSchema,
} from '../gitops/options';

const blankToUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== '' && v !== undefined),
  );

/** A form's flat dependency (app, port, protocol) as the overlay options take it. */
function egressRule(item: Record<string, unknown>) {
  const { app, port, protocol, ...rule } = blankToUndefined(item);
  return {
    ...rule,
    ...(app
      ? {
          podLabels: {
            ...(rule.podLabels as object),
            'app.kubernetes.io/name': app,
          },
        }
      : {}),
    ...(port !== undefined
      ? {
          ports: [
            ...((rule.ports as unknown[]) ?? []),
            { port, ...(protocol ? { protocol } : {}) },
          ],
        }
      : {}),
  };
}

/**
 * An optional section as the options take it, or undefined when a form leaves it off
 * (migration tool none, chaos not enabled); blank fields and empty lists dropped.
 */
function formSection(
  section: Record<string, unknown> | undefined,
  on: (s: Record<string, unknown>) => boolean,
) {
  if (!section || !on(section)) return undefined;
  const { enabled, ...rest } = blankToUndefined(section);
  return Object.fromEntries(
    Object.entries(rest).filter(
      ([, v]) => !(Array.isArray(v) && v.length === 0),
    ),
  );
}

/**
 * `gantry:gitops:overlays` writes a service's Kustomize tree into the workspace.
 * Alertmanager reaches Gantry at the backend's `backend.baseUrl` unless the input says otherwise.
 */
export function createGitopsOverlaysAction(
  options: { config?: RootConfigService } = {},
) {
  const backendUrl = options.config?.getOptionalString('backend.baseUrl');
  return createTemplateAction({
    id: 'gantry:gitops:overlays',
    description:
      'Generates a Kustomize tree for one service: base (Argo Rollouts Rollout with trafficRouting, root and stable/canary Services, HPA, PDB, NetworkPolicies with an egress allow-list, ServiceAccount, PodMonitor labelling series as the analysis queries select them, AnalysisTemplate), staging and production overlays with the user route (Ingress, HTTPRoute or VirtualService), ExternalSecrets and Alertmanager routing (AlertmanagerConfig: pages to PagerDuty or Opsgenie, tickets to Slack or a ticket webhook, every alert to Gantry), the same routing as plain alertmanager.yml files, and Argo CD Applications with an AppProject. Optional: TLS on the route where required (Ingress spec.tls, the Gateway HTTPS listener, Istio STRICT mTLS; production by default), a database migration PreSync hook Job (Flyway, Liquibase, Atlas, Prisma, knex, golang-migrate or a custom command), and a Chaos Mesh drill (pod-kill, latency, loss on the canary pods) during the first staging canary analysis.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Canary overlays for checkout',
        example: `steps:
  - id: overlays
    action: gantry:gitops:overlays
    input:
      name: checkout
      namespace: shop
      image: ghcr.io/acme/checkout
      gitopsRepoUrl: https://github.com/acme/gitops
      gitopsPath: services/checkout
      targetPath: gitops`,
      },
      {
        description: 'Pages to Opsgenie, tickets to #checkout-oncall',
        example: `steps:
  - id: overlays
    action: gantry:gitops:overlays
    input:
      name: checkout
      namespace: shop
      image: ghcr.io/acme/checkout
      gitopsRepoUrl: https://github.com/acme/gitops
      alerting:
        pager: opsgenie
        slackChannel: '#checkout-oncall'
        repeatInterval: { page: 30m, ticket: 1d }`,
      },
      {
        description:
          'Flyway migrations before each sync, TLS in staging too, and a staging chaos drill',
        example: `steps:
  - id: overlays
    action: gantry:gitops:overlays
    input:
      name: checkout
      namespace: shop
      image: ghcr.io/acme/checkout
      gitopsRepoUrl: https://github.com/acme/gitops
      environments:
        staging: { requireTls: true }
      tls: { clusterIssuer: letsencrypt-prod }
      migration:
        tool: flyway
        image: ghcr.io/acme/checkout-migrations
        timeoutSeconds: 900
      chaos:
        experiments: [pod-kill, latency]
        duration: 2m`,
      },
    ],
    schema: {
      input: {
        name: z => z.string().describe('Service name (DNS-1123 label)'),
        namespace: z => z.string().describe('Kubernetes namespace'),
        image: z =>
          z
            .string()
            .describe(
              'Image repository without tag, e.g. ghcr.io/acme/checkout',
            ),
        tag: z =>
          z
            .string()
            .optional()
            .describe('Initial image tag (never latest); default 0.1.0'),
        digest: z =>
          z
            .string()
            .optional()
            .describe('Digest of that tag (sha256:...), when known'),
        port: z =>
          z
            .number()
            .optional()
            .describe('Container port (>= 1024); default 8080'),
        strategy: z =>
          z
            .enum(['canary', 'blueGreen'])
            .optional()
            .describe('Progressive delivery strategy; default canary'),
        trafficRouting: z =>
          z
            .enum(['none', 'nginx', 'gatewayAPI', 'istio', 'smi'])
            .optional()
            .describe(
              'Traffic router Argo Rollouts sets canary weights through: nginx (default; NGINX Ingress canary annotations), gatewayAPI (Argo Rollouts Gateway API plugin), istio (VirtualService), smi (TrafficSplit), or none (weights become shares of pods)',
            ),
        ingressClassName: z =>
          z
            .string()
            .optional()
            .describe(
              'Ingress class of the Ingress (nginx, smi, none); default nginx',
            ),
        gateway: z =>
          z
            .object({
              name: z.string().optional(),
              namespace: z.string().optional(),
            })
            .optional()
            .describe(
              'Gateway the HTTPRoute (gatewayAPI) or VirtualService (istio) attaches to; default gateway-system/gantry-gateway',
            ),
        egress: z =>
          z
            .array(
              z.object({
                name: z.string().optional(),
                host: z.string().optional(),
                cidr: z.string().optional(),
                namespace: z.string().optional(),
                podLabels: z.record(z.string()).optional(),
                app: z
                  .string()
                  .optional()
                  .describe(
                    'Shorthand for podLabels app.kubernetes.io/name (template forms)',
                  ),
                ports: z
                  .array(
                    z.object({
                      port: z.number(),
                      protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
                    }),
                  )
                  .optional(),
                port: z
                  .number()
                  .optional()
                  .describe('Shorthand for one port (template forms)'),
                protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
              }),
            )
            .optional()
            .describe(
              'Dependencies the pods may call besides DNS: a cidr (host only documents it) or a namespace with optional podLabels, with ports',
            ),
        gitopsRepoUrl: z =>
          z.string().describe('GitOps repository Argo CD pulls from'),
        gitopsPath: z =>
          z
            .string()
            .optional()
            .describe('Folder of this service inside the GitOps repository'),
        secretStoreProvider: z =>
          z
            .enum(['vault', 'aws'])
            .optional()
            .describe('External Secrets store: Vault or AWS Secrets Manager'),
        secretStoreName: z =>
          z.string().optional().describe('ClusterSecretStore name'),
        environments: z =>
          z
            .record(z.any())
            .optional()
            .describe(
              'Per-environment overrides (replicas, resources, pauseMinutes, canaryWeights, host, cluster, autoSync, requireTls); unset fields keep their defaults',
            ),
        alerting: z =>
          z
            .object({
              entityRef: z
                .string()
                .optional()
                .describe(
                  'Entity the alerts carry as gantry_entity; default component:default/<name>',
                ),
              pager: z
                .enum(['pagerduty', 'opsgenie'])
                .optional()
                .describe('Pager for severity=page; default pagerduty'),
              ticket: z
                .enum(['slack', 'webhook'])
                .optional()
                .describe(
                  'Where severity=ticket goes: slack (default) or a ticket system webhook',
                ),
              slackChannel: z
                .string()
                .optional()
                .describe('Slack channel; default #<name>-alerts'),
              ticketWebhookUrl: z
                .string()
                .optional()
                .describe('Ticket system webhook, when ticket is webhook'),
              gantryUrl: z
                .string()
                .optional()
                .describe(
                  "Gantry's backend as Alertmanager reaches it; default backend.baseUrl",
                ),
              pageInStaging: z
                .boolean()
                .optional()
                .describe('Page from staging too; default false'),
              repeatInterval: z
                .object({
                  page: z.string().optional(),
                  ticket: z.string().optional(),
                })
                .optional()
                .describe('Repeat intervals; default page 1h, ticket 12h'),
            })
            .optional()
            .describe('Alert routing (see README)'),
        gate: z =>
          z
            .object({
              baseUrl: z
                .string()
                .optional()
                .describe(
                  "Gantry's backend as Argo Rollouts reaches it; default alerting.gantryUrl",
                ),
              tokenSecretName: z
                .string()
                .optional()
                .describe(
                  'Secret with the Backstage static token the gate metric sends; default <name>-alerting (from the secret store)',
                ),
              tokenSecretKey: z
                .string()
                .optional()
                .describe(
                  'Key of the token in that Secret; default gate-token',
                ),
            })
            .optional()
            .describe(
              "How the AnalysisTemplate's first metric asks Gantry's release gate",
            ),
        tls: z =>
          z
            .object({
              secretName: z
                .string()
                .optional()
                .describe('Secret holding the certificate; default <name>-tls'),
              clusterIssuer: z
                .string()
                .optional()
                .describe(
                  'cert-manager ClusterIssuer that fills the Secret (Ingress annotation cert-manager.io/cluster-issuer)',
                ),
              gatewayListener: z
                .string()
                .optional()
                .describe(
                  "Gateway API: the Gateway's HTTPS listener the HTTPRoute attaches to; default https",
                ),
            })
            .optional()
            .describe(
              'TLS of the route in environments with requireTls (default: production on, staging off; set environments.<env>.requireTls). Istio adds a STRICT PeerAuthentication; gantry:gitops:validate enforces it',
            ),
        migration: z =>
          z
            .object({
              tool: z
                .string()
                .optional()
                .describe(
                  `Migration tool: ${MIGRATION_TOOLS.join(
                    ', ',
                  )} (its default command takes the tool's own database lock; custom needs a command), or none`,
                ),
              image: z
                .string()
                .optional()
                .describe(
                  'Image repository with the tool and migrations, without tag (runs the release tag); default the service image',
                ),
              command: z
                .array(z.string())
                .optional()
                .describe(
                  'Overrides the default command; refer to credentials as $(DATABASE_URL), never inline',
                ),
              timeoutSeconds: z
                .number()
                .optional()
                .describe('activeDeadlineSeconds of the Job; default 600'),
              backoffLimit: z
                .number()
                .optional()
                .describe('Retries (0-3); default 1'),
              secretName: z
                .string()
                .optional()
                .describe(
                  'Secret with the database connection, passed as environment; default <name>-db',
                ),
              externalSecret: z
                .boolean()
                .optional()
                .describe(
                  'Fill that Secret from the secret store with a PreSync ExternalSecret; default true',
                ),
              kubernetesApi: z
                .boolean()
                .optional()
                .describe(
                  'Mount the ServiceAccount token (only if the tool calls the Kubernetes API); default false',
                ),
            })
            .optional()
            .describe(
              'Database migration run by Argo CD as a PreSync hook Job before each sync (see migration/README.md)',
            ),
        chaos: z =>
          z
            .object({
              enabled: z
                .boolean()
                .optional()
                .describe(
                  'false leaves the drill out (template forms); default true when chaos is given',
                ),
              environment: z
                .string()
                .optional()
                .describe('Only staging is accepted'),
              experiments: z
                .array(z.enum(CHAOS_EXPERIMENTS))
                .optional()
                .describe('Faults: pod-kill, latency, loss; default all three'),
              duration: z
                .string()
                .optional()
                .describe(
                  'How long latency and loss last, at most the 4 minute analysis; default 2m',
                ),
              mode: z
                .enum(['one', 'fixed-percent'])
                .optional()
                .describe('One canary pod (default) or a percentage of them'),
              percent: z
                .number()
                .optional()
                .describe('Percentage of canary pods for mode fixed-percent'),
              latency: z
                .string()
                .optional()
                .describe('Added latency; default 200ms'),
              jitter: z.string().optional().describe('Jitter; default 20ms'),
              lossPercent: z
                .number()
                .optional()
                .describe('Packets dropped, in %; default 10'),
              kubectlImage: z
                .string()
                .optional()
                .describe(
                  'Pinned image with kubectl that starts the experiments; default registry.k8s.io/kubectl:v1.31.0',
                ),
            })
            .optional()
            .describe(
              'Chaos Mesh drill on the canary pods during the first staging canary analysis (see chaos/README.md); refused in production',
            ),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Where in the workspace to write the tree; default the workspace root',
            ),
      },
      output: {
        files: z =>
          z.array(z.string()).describe('Files written, relative to targetPath'),
        canary: z =>
          z
            .record(z.string())
            .describe(
              'Per environment: canary weights, observation and analysis time, expected duration',
            ),
        targetPath: z => z.string(),
      },
    },
    async handler(ctx) {
      const {
        targetPath = '.',
        secretStoreProvider,
        secretStoreName,
        alerting = {},
        gate = {},
        tls,
        migration,
        chaos,
        ...rest
      } = ctx.input;
      const input = {
        ...rest,
        egress: Array.isArray(rest.egress)
          ? rest.egress.map(egressRule)
          : undefined,
        digest: rest.digest || undefined,
        gitopsPath: rest.gitopsPath ?? '',
        alerting: blankToUndefined({
          gantryUrl: backendUrl,
          ...blankToUndefined(alerting),
        }),
        gate: blankToUndefined(gate),
        tls: tls ? blankToUndefined(tls) : undefined,
        migration: formSection(
          migration,
          m => Boolean(m.tool) && m.tool !== 'none',
        ),
        chaos: formSection(
          chaos,
          c => c.enabled !== false && c.enabled !== 'false',
        ),
        ...(secretStoreProvider
          ? {
              secretStore: {
                provider: secretStoreProvider,
                name: secretStoreName ?? `${secretStoreProvider}-backend`,
              },
            }
          : {}),
      };
      const files = generateOverlays(input);
      const parsed = overlayOptionsSchema.parse(input);
      const dir = resolveSafeChildPath(ctx.workspacePath, targetPath);
      for (const [rel, content] of Object.entries(files)) {
        const abs = path.join(dir, rel);
        await fs.ensureDir(path.dirname(abs));
        await fs.writeFile(abs, content, 'utf8');
      }
      ctx.logger.info(
        `Wrote ${Object.keys(files).length} GitOps files for ${
          ctx.input.name
        } to ${targetPath}`,
      );
      ctx.output('files', Object.keys(files).sort());
      ctx.output('targetPath', targetPath);
      ctx.output(
        'canary',
        Object.fromEntries(
          ENVIRONMENTS.map(env => [
            env,
            parsed.strategy === 'canary'
              ? describeCanaryPlan(parsed, env)
              : 'blue-green: no canary steps',
          ]),
        ),
      );
    },
  });
}
