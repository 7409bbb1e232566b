import type { RollbackObjectivesView } from './rollbackObjectives';

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
  /** The Experiment (started by an experiment step of the Rollout) that owns the run. */
  experiment?: string;
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
  /** Share of traffic (or of pods, without traffic routing) on the canary, 0-100; = actualWeight. */
  canaryWeight?: number;
  /** The weight the steps ask for (0 once aborted, 100 past the last step or without steps). */
  setWeight?: number;
  /** The weight the canary has, as `kubectl argo rollouts get rollout` shows it. */
  actualWeight?: number;
  /**
   * Set while the controller has not caught up (status.observedGeneration behind
   * metadata.generation, or a promote not yet reacted to): the CLI's message. The rest of
   * the status is then the state before the change.
   */
  waitingForController?: string;
  /** status.stableRS: the pod template hash of the stable ReplicaSet. */
  stableRS?: string;
  /** rollout.argoproj.io/revision of the Rollout: the revision it is rolling out. */
  revision?: string;
  paused: boolean;
  pauseConditions: Array<{ reason: string; startTime: string }>;
  /** Duration of the pause step the rollout sits at, e.g. 15m. */
  pauseDuration?: string;
  aborted: boolean;
  fullyPromoted: boolean;
  activeSelector?: string;
  previewSelector?: string;
  release?: string;
  /** status.currentPodHash: the rollouts-pod-template-hash of the desired (canary) pods. */
  currentPodHash?: string;
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
  /** spec.syncPolicy.automated when Argo CD syncs the app by itself; absent when it does not. */
  automatedSync?: AutomatedSyncPolicy;
  operation?: {
    phase: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    initiatedBy?: string;
  };
  commit?: { author?: string; date?: string; message?: string };
  /** Resources whose live state differs from Git (status.resources[] OutOfSync). */
  outOfSync?: Array<{
    group?: string;
    kind: string;
    namespace?: string;
    name: string;
  }>;
  history: Array<{
    id: number;
    revisions: string[];
    deployedAt?: string;
    initiatedBy?: string;
  }>;
  rollouts: RolloutView[];
  /** The database migration step (Argo CD PreSync hook Job) of the last sync, when it had one. */
  migration?: MigrationStepView;
}

/** How a release's migrations can be undone, from its `migration` evidence. */
export interface MigrationPlanView {
  files: number;
  findings: { total: number; errors: number; warnings: number };
  /** Backward-incompatible changes in expand steps. */
  breaking: number;
  /** Files with a down migration. */
  reversible: number;
  /** Files that cannot be undone, with the reason CI gave. */
  forwardOnly: Array<{ file: string; reason: string }>;
}

/** One PreSync hook Job of an Argo CD sync (status.operationState.syncResult.resources[]). */
export interface MigrationJobView {
  name: string;
  namespace?: string;
  /** Argo CD's hookPhase: Running, Succeeded, Failed, Error or Terminating. */
  phase: string;
  message?: string;
}

/**
 * The migration step of an environment's last sync: the PreSync hook Job(s) Argo CD ran
 * and the release that sync deployed, joined with that release's migration report.
 */
export interface MigrationStepView {
  /** The worst phase of the jobs (Failed/Error before Running before Succeeded). */
  phase: string;
  jobs: MigrationJobView[];
  /** The revision(s) the sync deployed. */
  revisions: string[];
  /** The release those revisions run (rendered manifests); absent when Gantry cannot tell. */
  release?: string;
  /** The release's migration report; absent when none was uploaded. */
  plan?: MigrationPlanView;
}

/** Releases a rollback would undo whose migrations cannot be undone. */
export interface IrreversibleMigration {
  release: string;
  forwardOnly: Array<{ file: string; reason: string }>;
}

/** What rolling an application back to a history entry does to the database schema. */
export interface RollbackMigrationCheck {
  historyId: number;
  /** The release(s) the target deployment runs. */
  target: string[];
  /** The releases deployed after the target, which the rollback goes back past. */
  undone: string[];
  /** Of those, the ones with forward-only migrations: the rollback needs an acknowledgement. */
  irreversible: IrreversibleMigration[];
  /** Of those, the ones without a migration report (Gantry cannot tell). */
  unreported: string[];
}

/** Argo CD's spec.syncPolicy.automated. */
export interface AutomatedSyncPolicy {
  prune?: boolean;
  selfHeal?: boolean;
  allowEmpty?: boolean;
}

/** The Argo CD actions Gantry offers on an application. */
export type ArgoCdActionName =
  | 'sync'
  | 'refresh'
  | 'rollback'
  | 'enable-auto-sync';

/** The body of an Argo CD action request. */
export interface ArgoCdActionBody {
  /** rollback: the status.history[].id to return to. */
  id?: number;
  /** The release the caller believes the action deploys (checked against the manifests). */
  release?: string;
  /** Through a failing production gate, only with an emergency promotion request of the release. */
  emergency?: { reason: string };
  /** enable-auto-sync: the policy to restore. */
  automated?: AutomatedSyncPolicy;
  /** rollback: past a release whose migration is forward-only, confirms the schema stays. */
  acknowledgeIrreversibleMigration?: boolean;
}

/** What an Argo CD action did, for the Delivery tab to say truthfully. */
export interface ArgoCdActionResult {
  action: ArgoCdActionName;
  application: string;
  /** The production gate the action passed, with the release(s) it resolved to. */
  gate?: {
    environment: string;
    releases: Array<{
      version: string;
      verdict: 'pass' | 'fail';
      /** Let through on an emergency promotion request despite a failing gate. */
      emergency?: { requestId: string; reason: string; failingRules: string[] };
    }>;
  };
  /** A rollback of an auto-synced app turned automated sync off first (Argo CD refuses otherwise). */
  autoSyncDisabled?: { previous: AutomatedSyncPolicy };
  /** enable-auto-sync turned it back on with this policy. */
  autoSyncEnabled?: AutomatedSyncPolicy;
  /** A rollback past releases with forward-only migrations, acknowledged by the caller. */
  irreversibleMigrations?: IrreversibleMigration[];
}

export interface DeploymentsView {
  entityRef: string;
  environments: string[];
  configured: { argocd: boolean; kubernetes: boolean };
  applications: ApplicationView[];
  /** Sources that could not be read; the rest of the view is still shown. */
  errors: Array<{ source: string; message: string }>;
}

/** How a deployment ended; `running` until Argo CD or Argo Rollouts reports the end. */
export type DeploymentOutcome = 'running' | 'succeeded' | 'failed' | 'aborted';

/** One deployment of an entity into an environment, as Gantry keeps it. */
export interface DeploymentRecord {
  id: string;
  entityRef: string;
  environment: string;
  instance: string;
  application: string;
  revision: string;
  /** When the deployed commit was made, for lead time. */
  commitTime?: string;
  startedAt: string;
  finishedAt?: string;
  outcome: DeploymentOutcome;
  /** This deployment rolled back to an earlier revision. */
  rollback: boolean;
  /** Someone promoted, aborted, retried or synced by hand during it. */
  manualIntervention: boolean;
  initiator?: string;
  /** Where Gantry learned about it: a notification webhook or Argo CD's own history. */
  source: 'argocd-notification' | 'rollouts-notification' | 'argocd-history';
  message?: string;
  /** The service's traces around it (annotation gantry.dev/tracing-url), when set. */
  traceUrl?: string;
}

export interface DeploymentHistoryPage {
  items: DeploymentRecord[];
  /** Pass as `before` to read the next (older) page. */
  nextBefore?: string;
}

export type DoraPeriod = '7d' | '30d' | '90d' | '365d';

/** DORA figures over one window; durations in seconds, rates 0-1; null when nothing to measure. */
export interface DoraFigures {
  deployments: number;
  /** Successful deployments per day. */
  deploymentFrequency: number;
  leadTimeSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreSeconds: number | null;
  deploymentDurationSeconds: number | null;
  rollbackDurationSeconds: number | null;
  successWithoutInterventionRate: number | null;
}

export interface DoraView {
  entityRef: string;
  environment: string;
  period: DoraPeriod;
  from: string;
  to: string;
  current: DoraFigures;
  /** The same figures over the period before, for the trend arrows. */
  previous: DoraFigures;
  /** Incidents that started in the period (from Alertmanager alerts), medians in seconds. */
  incidents?: {
    count: number;
    timeToDetectSeconds: number | null;
    timeToRestoreSeconds: number | null;
  };
  /** One bucket per day (7d), week (30d, 90d) or month-long 4-week span (365d). */
  trend: Array<{ start: string } & DoraFigures>;
  /** Rollback time objectives over the period (gantry.dora.objectives). */
  rollbackObjectives?: RollbackObjectivesView;
}

/** A rollout somebody has to look at: paused for promotion or on analysis. */
export interface RolloutAttentionItem {
  entityRef: string;
  environment: string;
  application: string;
  reason: 'awaiting-promotion' | 'analysis-running' | 'analysis-failed';
  rollout: RolloutView;
}

export interface RolloutAttentionView {
  scope: 'owned' | 'all';
  items: RolloutAttentionItem[];
  /** Entities whose pipeline could not be read. */
  errors: Array<{ entityRef: string; message: string }>;
}
