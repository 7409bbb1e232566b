/**
 * Catalog annotations Gantry reads. Where the ecosystem already has a name (Argo CD,
 * Kubernetes plugins) Gantry reuses it, so entities annotated for those plugins work
 * unchanged.
 */
export const ANNOTATIONS = {
  argocdAppName: 'argocd/app-name',
  argocdAppSelector: 'argocd/app-selector',
  argocdInstanceName: 'argocd/instance-name',
  argocdProjectName: 'argocd/project-name',
  argocdAppNamespace: 'argocd/app-namespace',
  kubernetesId: 'backstage.io/kubernetes-id',
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  kubernetesLabelSelector: 'backstage.io/kubernetes-label-selector',
  canaryAnalysis: 'gantry.dev/canary-analysis',
  sloSpec: 'gantry.dev/slo-spec',
  sloInline: 'gantry.dev/slos',
  featureFlags: 'gantry.dev/feature-flags',
  compliancePolicy: 'gantry.dev/compliance-policy',
  /** Groups to notify, in order, while an incident stays unacknowledged. */
  escalation: 'gantry.dev/escalation',
  /** How long each escalation level waits, e.g. 15m (default). */
  escalationAfter: 'gantry.dev/escalation-after',
  /** The service's GitOps repository (its clone URL) that approved promotions write to. */
  gitopsRepo: 'gantry.dev/gitops-repo',
  /** The overlay folder per environment; `{environment}` is replaced. Default overlays/{environment}. */
  gitopsPath: 'gantry.dev/gitops-path',
  /** `pull-request` (default) or `commit` (pushed straight to the default branch). */
  gitopsMode: 'gantry.dev/gitops-mode',
  /** The kustomize `images:` name to rewrite when the overlay lists more than one. */
  gitopsImage: 'gantry.dev/gitops-image',
  /**
   * How releases reach users: `canary` (default, what the onboarding template generates),
   * `blue-green` or `recreate`. The old release keeps running beside the new one unless
   * `recreate`, so its migrations must stay expand/contract compatible.
   */
  rolloutStrategy: 'gantry.dev/rollout-strategy',
  /**
   * A URL template of the service's traces (Jaeger, Tempo, Honeycomb) with `{service}`,
   * `{start}`, `{end}` (ISO-8601), `{startMs}`, `{endMs}`, `{startS}`, `{endS}` (epoch).
   */
  tracingUrl: 'gantry.dev/tracing-url',
  /** The service name the tracing backend knows (default: the entity name). */
  tracingService: 'gantry.dev/tracing-service',
} as const;

/** Label on Argo CD Applications that names their environment (configurable). */
export const DEFAULT_ENVIRONMENT_LABEL = 'gantry.dev/environment';
