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
  /** Pause between canary steps, in minutes. */
  pauseMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  cluster: z.string().url().default('https://kubernetes.default.svc'),
  autoSync: z.boolean(),
});
export type EnvironmentOptions = z.infer<typeof environment>;

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
  environments: z
    .object({ staging: environment, production: environment })
    .default({
      staging: {
        replicas: 2,
        cpuRequest: '100m',
        cpuLimit: '500m',
        memoryRequest: '128Mi',
        memoryLimit: '256Mi',
        pauseMinutes: 2,
        cluster: 'https://kubernetes.default.svc',
        autoSync: true,
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
      },
    }),
});
export type OverlayOptions = z.infer<typeof overlayOptionsSchema>;
export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
