/** One measurement of an analysis metric, with the value Argo Rollouts judged. */
export interface AnalysisMeasurementView {
  phase: string;
  value?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
}

export interface AnalysisMetricView {
  name: string;
  phase: string;
  /** The condition each measurement was judged against. */
  successCondition?: string;
  failureCondition?: string;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  measurements: AnalysisMeasurementView[];
}

export interface AnalysisRunView {
  name: string;
  phase: string;
  message?: string;
  rolloutType?: string;
  stepIndex?: number;
  startedAt?: string;
  metrics: AnalysisMetricView[];
}

export interface RolloutStepView {
  index: number;
  kind: 'setWeight' | 'pause' | 'analysis' | 'other';
  weight?: number;
  duration?: string;
}

export interface RolloutView {
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
  message?: string;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  steps: RolloutStepView[];
  currentStepIndex?: number;
  /** Share of traffic (or of pods, without traffic routing) on the canary, 0-100. */
  canaryWeight?: number;
  paused: boolean;
  pauseConditions: Array<{ reason: string; startTime: string }>;
  /** Duration of the pause step the rollout sits at, e.g. 15m. */
  pauseDuration?: string;
  aborted: boolean;
  fullyPromoted: boolean;
  activeSelector?: string;
  previewSelector?: string;
  release?: string;
  analysisRuns: AnalysisRunView[];
}

export interface ApplicationView {
  instance: string;
  /** Served by a demo fixture server, not a real Argo CD. */
  demo?: boolean;
  name: string;
  project?: string;
  environment: string;
  syncStatus: string;
  healthStatus: string;
  healthMessage?: string;
  revisions: string[];
  sources: Array<{
    repoURL: string;
    path?: string;
    chart?: string;
    targetRevision?: string;
  }>;
  destination: { server?: string; name?: string; namespace?: string };
  operation?: {
    phase: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    initiatedBy?: string;
  };
  commit?: { author?: string; date?: string; message?: string };
  history: Array<{
    id: number;
    revisions: string[];
    deployedAt?: string;
    initiatedBy?: string;
  }>;
  rollouts: RolloutView[];
}

export interface DeploymentsView {
  entityRef: string;
  environments: string[];
  configured: { argocd: boolean; kubernetes: boolean };
  applications: ApplicationView[];
  /** Sources that could not be read; the rest of the view is still shown. */
  errors: Array<{ source: string; message: string }>;
}
