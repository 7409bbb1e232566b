import type {
  EvidenceRecord,
  MigrationJobView,
  MigrationPlanView,
} from '@gantry/plugin-gantry-common';

/** Where the deployments read a release's migration report (evidence provides it). */
export interface ReleaseEvidence {
  evidenceFor(entityRef: string, version: string): Promise<EvidenceRecord[]>;
}

// Worst first: a failed migration outranks one still running, which outranks a success.
const RANK = ['Failed', 'Error', 'Terminating', 'Running', 'Succeeded'];

/**
 * The PreSync hook Jobs of the app's last sync: the migration step the GitOps overlays
 * generate (label gantry.dev/step=migration) or any other PreSync Job, which Argo CD
 * reports in status.operationState.syncResult.resources[] with hookType PreSync.
 */
export function migrationJobs(app: any): MigrationJobView[] {
  const resources: any[] =
    app?.status?.operationState?.syncResult?.resources ?? [];
  return resources
    .filter(
      r =>
        r?.hookType === 'PreSync' &&
        r?.kind === 'Job' &&
        (r.group ?? 'batch') === 'batch',
    )
    .map(r => ({
      name: r.name,
      namespace: r.namespace || undefined,
      phase: r.hookPhase || 'Pending',
      message: r.message || undefined,
    }));
}

/** The worst phase of the jobs. */
export function worstPhase(jobs: MigrationJobView[]): string {
  const rank = (p: string) => {
    const i = RANK.indexOf(p);
    return i < 0 ? RANK.length : i;
  };
  return [...jobs].sort((a, b) => rank(a.phase) - rank(b.phase))[0].phase;
}

/** The revision(s) the last sync deployed, as Argo CD records them in its result. */
export function syncedRevisions(app: any): string[] {
  const op = app?.status?.operationState;
  const result = op?.syncResult ?? {};
  const sync = op?.operation?.sync ?? {};
  return (
    result.revisions ??
    (result.revision ? [result.revision] : undefined) ??
    sync.revisions ??
    (sync.revision ? [sync.revision] : [])
  );
}

/** The newest migration report of a release (a re-run of CI replaces the earlier one). */
export function migrationPlan(
  evidence: EvidenceRecord[],
): MigrationPlanView | undefined {
  const m = evidence
    .filter(e => e.summary.migrations)
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt))[0]
    ?.summary.migrations;
  if (!m) return undefined;
  return {
    files: m.files,
    findings: m.findings,
    breaking: m.breaking.length,
    reversible: m.rollback.reversible,
    forwardOnly: m.rollback.forwardOnly,
  };
}
