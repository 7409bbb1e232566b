import { z } from 'zod';

const dns1123 = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message:
      'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  })
  .max(63);
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Mi|Gi|Ki)?$/, {
  message: 'must be a Kubernetes quantity such as 250m, 1, 256Mi or 1Gi',
});

const environment = z.object({
  replicas: z.number().int().min(1).max(100),
  minReplicas: z.number().int().min(1).optional(),
  maxReplicas: z.number().int().min(1).max(500).optional(),
  cpuRequest: quantity,
  cpuLimit: quantity,
  memoryRequest: quantity,
  memoryLimit: quantity,
  /** Pause between canary steps, in minutes: the observation window the judge compares. */
  pauseMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  /** Canary traffic weights in %, rising to 100; default by traffic router and replicas. */
  canaryWeights: z
    .array(z.number().int().min(1).max(100))
    .min(1)
    .refine(w => w[w.length - 1] === 100, {
      message: 'must end with 100 (the canary becomes the stable)',
    })
    .refine(w => w.every((x, i) => i === 0 || x > w[i - 1]), {
      message: 'must rise step by step, e.g. [10, 50, 100]',
    })
    .optional(),
  /** Host users reach the service at; default <name>.example.com (production), <name>.staging.example.com. */
  host: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
      message: 'must be a DNS host name such as checkout.acme.com',
    })
    .optional(),
  cluster: z.string().url().default('https://kubernetes.default.svc'),
  autoSync: z.boolean(),
  /** The user route carries TLS (and Istio STRICT mTLS); gantry:gitops:validate then requires it. */
  requireTls: z.boolean(),
});
export type EnvironmentOptions = z.infer<typeof environment>;

/** Alertmanager's duration format, e.g. 30s, 5m, 1h30m, 1d. */
const amDuration = z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, {
  message: 'must be an Alertmanager duration such as 30s, 5m, 4h or 1d',
});

/** Where each severity of the service's alerts goes; secrets come from the secret store. */
const alerting = z
  .object({
    /** Catalog entity the alerts carry as gantry_entity; default component:default/<name>. */
    entityRef: z
      .string()
      .regex(/^component:[a-z0-9._-]+\/[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i, {
        message:
          'must be a component entity ref such as component:default/checkout',
      })
      .optional(),
    /** On-call pager for severity=page. */
    pager: z.enum(['pagerduty', 'opsgenie']).default('pagerduty'),
    /** Where severity=ticket goes: a Slack channel or a ticket system's Alertmanager webhook. */
    ticket: z.enum(['slack', 'webhook']).default('slack'),
    /** Slack channel; default #<name>-alerts. */
    slackChannel: z
      .string()
      .regex(/^[#@][a-z0-9._-]+$/, {
        message: 'must be a Slack channel such as #checkout-alerts',
      })
      .optional(),
    /** The ticket system's webhook (ticket: webhook), e.g. a Jira or ServiceNow Alertmanager bridge. */
    ticketWebhookUrl: z.string().url().optional(),
    /** Gantry's backend as Alertmanager reaches it; alerts go to <gantryUrl>/api/gantry/alerts/alertmanager. */
    gantryUrl: z
      .string()
      .url()
      .default('http://backstage.backstage.svc.cluster.local:7007'),
    /** Page in staging too; by default staging pages go to the ticket receiver. */
    pageInStaging: z.boolean().default(false),
    repeatInterval: z
      .object({
        page: amDuration.default('1h'),
        ticket: amDuration.default('12h'),
      })
      .default({}),
  })
  .refine(a => a.ticket !== 'webhook' || a.ticketWebhookUrl, {
    message: 'needs ticketWebhookUrl when ticket is webhook',
    path: ['ticketWebhookUrl'],
  });
export type AlertingOptions = z.infer<typeof alerting>;

/** How each analysis run asks Gantry's release gate (the AnalysisTemplate's first metric). */
const gate = z
  .object({
    /** Gantry's backend as Argo Rollouts reaches it; default alerting.gantryUrl. */
    baseUrl: z.string().url().optional(),
    /** Secret holding a Backstage static access token; default <name>-alerting (ExternalSecret-managed). */
    tokenSecretName: dns1123.optional(),
    tokenSecretKey: z
      .string()
      .regex(/^[-._a-zA-Z0-9]+$/, {
        message: 'must be a Secret key: letters, digits, "-", "_" or "."',
      })
      .default('gate-token'),
  })
  .default({});
export type GateOptions = z.infer<typeof gate>;

export const DEFAULT_ENVIRONMENTS = {
  staging: {
    replicas: 2,
    cpuRequest: '100m',
    cpuLimit: '500m',
    memoryRequest: '128Mi',
    memoryLimit: '256Mi',
    pauseMinutes: 2,
    cluster: 'https://kubernetes.default.svc',
    autoSync: true,
    requireTls: false,
  },
  production: {
    replicas: 3,
    minReplicas: 3,
    maxReplicas: 12,
    cpuRequest: '250m',
    cpuLimit: '1',
    memoryRequest: '256Mi',
    memoryLimit: '512Mi',
    pauseMinutes: 15,
    cluster: 'https://kubernetes.default.svc',
    autoSync: false,
    requireTls: true,
  },
};

/** Each environment's given fields over its defaults, so a template can set only a pause. */
function withEnvironmentDefaults(input: unknown) {
  if (input === undefined || input === null) return DEFAULT_ENVIRONMENTS;
  if (typeof input !== 'object') return input;
  const given = input as Record<string, unknown>;
  const out: Record<string, unknown> = { ...given };
  for (const [env, defaults] of Object.entries(DEFAULT_ENVIRONMENTS)) {
    const e = given[env];
    if (e === undefined || e === null) out[env] = defaults;
    else if (typeof e === 'object')
      out[env] = {
        ...defaults,
        ...Object.fromEntries(
          // a form's untouched fields arrive blank
          Object.entries(e).filter(
            ([, v]) =>
              v !== undefined &&
              v !== '' &&
              !(Array.isArray(v) && v.length === 0),
          ),
        ),
      };
  }
  return out;
}

/**
 * How user traffic reaches stable and canary: through a traffic router `setWeight` is a
 * share of requests; with `none` it is the share of pods (canary pods / all pods).
 */
export const TRAFFIC_ROUTERS = [
  'none',
  'nginx',
  'gatewayAPI',
  'istio',
  'smi',
] as const;
export type TrafficRouter = (typeof TRAFFIC_ROUTERS)[number];

const port = z.number().int().min(1).max(65535);

/**
 * One dependency the service calls: pods of a namespace (optionally by app label) or an
 * address range. NetworkPolicy cannot match host names, so an external host needs its CIDR;
 * `host` only documents which host the range is for.
 */
const egressRule = z
  .object({
    name: z.string().max(63).optional(),
    host: z.string().optional(),
    cidr: z
      .string()
      .regex(
        /^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$|^[0-9a-f:]+\/[0-9]{1,3}$/i,
        {
          message: 'must be a CIDR such as 10.0.3.0/24 or 203.0.113.7/32',
        },
      )
      .optional(),
    namespace: dns1123.optional(),
    /** Pod labels in that namespace, e.g. { app.kubernetes.io/name: postgres }. */
    podLabels: z.record(z.string()).optional(),
    ports: z
      .array(
        z.object({
          port,
          protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
        }),
      )
      .min(1, { message: 'needs at least one port the service calls' }),
  })
  .refine(r => Boolean(r.cidr) !== Boolean(r.namespace), {
    message:
      'needs either cidr (an address range; for a host name give the range it resolves to) or namespace (pods in the cluster), not both',
  })
  .refine(r => !r.podLabels || r.namespace, {
    message: 'podLabels select pods in a namespace: add namespace',
  });
export type EgressRule = z.infer<typeof egressRule>;

/** How the route's TLS is set up in environments with requireTls. */
const tls = z
  .object({
    /** Secret holding the certificate; default <name>-tls. */
    secretName: dns1123.optional(),
    /** cert-manager ClusterIssuer that issues the certificate into secretName (Ingress). */
    clusterIssuer: dns1123.optional(),
    /** Listener (sectionName) of the Gateway that terminates TLS (gatewayAPI). */
    gatewayListener: dns1123.default('https'),
  })
  .default({});
export type TlsOptions = z.infer<typeof tls>;

export const MIGRATION_TOOLS = [
  'flyway',
  'liquibase',
  'atlas',
  'prisma',
  'knex',
  'golang-migrate',
  'custom',
] as const;
export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

/** user:password@ in a URL: credentials belong in the Secret, never in the manifest. */
const INLINE_CREDENTIALS = /:\/\/[^/\s:@]+:[^@\s]+@/;
const noInlineCredentials = z
  .string()
  .min(1)
  .refine(a => !INLINE_CREDENTIALS.test(a), {
    message:
      'holds a URL with user and password: keep credentials in the database Secret and refer to them as $(DATABASE_URL)',
  });

/** The database migration Argo CD runs as a PreSync hook before each sync of the workload. */
const migration = z
  .object({
    tool: z.enum(MIGRATION_TOOLS, {
      errorMap: () => ({
        message: `must be one of ${MIGRATION_TOOLS.join(
          ', ',
        )} (custom needs a command)`,
      }),
    }),
    /** Image repository with the tool and the migrations, without tag; default the service's image. */
    image: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, {
        message:
          'must be an image repository without tag, e.g. ghcr.io/acme/checkout-migrations (it runs the release tag)',
      })
      .optional(),
    /** Overrides the tool's default command (required for custom). */
    command: z.array(noInlineCredentials).min(1).optional(),
    timeoutSeconds: z
      .number()
      .int()
      .min(30)
      .max(6 * 3600)
      .default(600),
    backoffLimit: z.number().int().min(0).max(3).default(1),
    /** Secret with the database connection (keys per tool, see migration/README.md). */
    secretName: dns1123.optional(),
    /** Generate an ExternalSecret filling that Secret from the secret store; false: the Secret exists. */
    externalSecret: z.boolean().default(true),
    /** The tool needs the Kubernetes API (rare); mounts the ServiceAccount token. */
    kubernetesApi: z.boolean().default(false),
  })
  .strict()
  .refine(m => m.tool !== 'custom' || m.command, {
    message: 'tool custom needs a command, e.g. ["/app/migrate", "up"]',
    path: ['command'],
  });
export type MigrationOptions = z.infer<typeof migration>;

export const CHAOS_EXPERIMENTS = ['pod-kill', 'latency', 'loss'] as const;
export type ChaosExperiment = (typeof CHAOS_EXPERIMENTS)[number];

/** A Go duration as Chaos Mesh takes it, e.g. 30s, 2m, 1m30s. */
const goDuration = z.string().regex(/^([0-9]+(ms|s|m))+$/, {
  message: 'must be a duration such as 30s, 2m or 1m30s',
});

/** A Chaos Mesh drill during the first staging canary analysis. */
const chaos = z
  .object({
    environment: z.string().default('staging'),
    experiments: z
      .array(z.enum(CHAOS_EXPERIMENTS))
      .min(1)
      .default([...CHAOS_EXPERIMENTS]),
    /** How long latency and loss last (pod-kill is instantaneous). */
    duration: goDuration.default('2m'),
    /** one canary pod, or a fixed percentage of the canary pods. */
    mode: z.enum(['one', 'fixed-percent']).default('one'),
    /** Percentage of canary pods for mode fixed-percent. */
    percent: z.number().int().min(1).max(100).optional(),
    latency: z
      .string()
      .regex(/^[0-9]+(ms|s)$/, { message: 'must be such as 200ms or 1s' })
      .default('200ms'),
    jitter: z
      .string()
      .regex(/^[0-9]+(ms|s)$/, { message: 'must be such as 20ms' })
      .default('20ms'),
    /** Share of packets dropped, in %. */
    lossPercent: z.number().int().min(1).max(100).default(10),
    /** Image with kubectl that creates the experiments when the analysis starts. */
    kubectlImage: z
      .string()
      .regex(
        /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_.-]+|@sha256:[a-f0-9]{64})$/,
        {
          message:
            'must be a pinned image such as registry.k8s.io/kubectl:v1.31.0',
        },
      )
      .default('registry.k8s.io/kubectl:v1.31.0'),
  })
  .strict()
  .refine(c => c.environment === 'staging', {
    message:
      'chaos drills run in staging only: failure injection in production puts real users under the fault. Remove chaos.environment (it defaults to staging)',
    path: ['environment'],
  })
  .refine(c => c.mode !== 'fixed-percent' || c.percent !== undefined, {
    message: 'mode fixed-percent needs percent (1-100)',
    path: ['percent'],
  });
export type ChaosOptions = z.infer<typeof chaos>;

/** Everything gantry:gitops:overlays needs to generate a service's GitOps tree. */
export const overlayOptionsSchema = z.object({
  name: dns1123.describe(
    'Service name: Kubernetes names, labels and Argo CD applications',
  ),
  namespace: dns1123.describe('Kubernetes namespace in every environment'),
  image: z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, {
      message:
        'must be an image repository without tag, e.g. ghcr.io/acme/checkout',
    })
    .describe('Image repository, without tag'),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
      message: 'must be a valid image tag',
    })
    .refine(t => t !== 'latest', {
      message:
        'must not be "latest": pin a version so rollouts are reproducible',
    })
    .default('0.1.0'),
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, {
      message: 'must be an image digest such as sha256:<64 hex digits>',
    })
    .optional()
    .describe('Image digest of the tag, when known'),
  port: z
    .number()
    .int()
    .min(1024, {
      message:
        'must be at least 1024: the restricted Pod Security Standard runs as non-root',
    })
    .max(65535)
    .default(8080),
  strategy: z.enum(['canary', 'blueGreen']).default('canary'),
  gitopsRepoUrl: z
    .string()
    .url({ message: 'must be the GitOps repository URL Argo CD pulls from' }),
  gitopsPath: z.string().default(''),
  argocdNamespace: z.string().default('argocd'),
  ingressNamespace: dns1123.default('ingress-nginx'),
  monitoringNamespace: dns1123.default('monitoring'),
  secretStore: z
    .object({
      provider: z.enum(['vault', 'aws']),
      name: z.string().min(1),
    })
    .default({ provider: 'vault', name: 'vault-backend' }),
  trafficRouting: z.enum(TRAFFIC_ROUTERS).default('nginx'),
  /** The ingress class of the Ingress (trafficRouting nginx, smi and none). */
  ingressClassName: z.string().default('nginx'),
  /** The Gateway (Gateway API) or Istio Gateway the route attaches to. */
  gateway: z
    .object({
      name: dns1123.default('gantry-gateway'),
      namespace: dns1123.default('gateway-system'),
    })
    .default({}),
  /** Dependencies the pods may call besides DNS; everything else stays denied. */
  egress: z.array(egressRule).max(50).default([]),
  alerting: alerting.default({}),
  gate,
  tls,
  migration: migration.optional(),
  chaos: chaos.optional(),
  environments: z.preprocess(
    withEnvironmentDefaults,
    z.object({ staging: environment, production: environment }),
  ),
});
export type OverlayOptions = z.infer<typeof overlayOptionsSchema>;
export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
