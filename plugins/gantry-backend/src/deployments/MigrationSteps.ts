import { ConflictError, InputError } from '@backstage/errors';
import type {
  IrreversibleMigration,
  MigrationStepView,
  RollbackMigrationCheck,
} from '@gantry/plugin-gantry-common';
import type { ArgoCdClient } from '../providers/ArgoCdClient';
import { manifestReleases } from './manifestReleases';
import {
  migrationJobs,
  migrationPlan,
  syncedRevisions,
  worstPhase,
  type ReleaseEvidence,
} from './migrationStep';

const revisionsOf = (h: any): string[] =>
  h.revisions ?? (h.revision ? [h.revision] : []);

/**
 * Database migrations as the pipeline meets them: the PreSync migration Job of each
 * environment's last sync joined with the release's migration report, and what a
 * rollback does to the schema (a forward-only step stays when the code goes back).
 */
export class MigrationSteps {
  constructor(
    private readonly deps: { argocd: ArgoCdClient; evidence: ReleaseEvidence },
  ) {}

  /** The releases the rendered manifests at `revisions` run (see manifestReleases). */
  async releasesAt(
    instance: string,
    name: string,
    revisions: string[],
    appNamespace?: string,
  ): Promise<string[]> {
    const { manifests } = await this.deps.argocd.manifests(instance, name, {
      revisions,
      appNamespace,
    });
    return manifestReleases(manifests ?? []);
  }

  /** The migration step of the app's last sync; undefined when it ran no PreSync Job. */
  async step(
    entityRef: string,
    instance: string,
    app: any,
    appNamespace?: string,
  ): Promise<MigrationStepView | undefined> {
    const jobs = migrationJobs(app);
    if (!jobs.length) return undefined;
    const revisions = syncedRevisions(app);
    const step: MigrationStepView = {
      phase: worstPhase(jobs),
      jobs,
      revisions,
    };
    const releases = revisions.length
      ? await this.releasesAt(
          instance,
          app.metadata.name,
          revisions,
          appNamespace,
        )
      : [];
    // A multi-workload app may run several releases; the report belongs to one.
    if (releases.length !== 1) return step;
    step.release = releases[0];
    step.plan = migrationPlan(
      await this.deps.evidence.evidenceFor(entityRef, releases[0]),
    );
    return step;
  }

  /**
   * Rolling back to history entry `historyId` undoes every deployment after it: the
   * releases those run (and the target does not) with their migration reports.
   */
  async rollbackCheck(
    entityRef: string,
    instance: string,
    app: any,
    historyId: number,
    appNamespace?: string,
    /** The target's releases when already known (the production gate resolved them). */
    knownTarget?: string[],
  ): Promise<RollbackMigrationCheck> {
    const history: any[] = app?.status?.history ?? [];
    const target = history.find(h => h.id === historyId);
    if (!target) {
      throw new InputError(
        `${
          app?.metadata?.name
        } has no deployment #${historyId} in its Argo CD history (ids: ${
          history.map(h => h.id).join(', ') || 'none'
        }); pick one from the Delivery tab.`,
      );
    }
    const name = app.metadata.name;
    const cache = new Map<string, Promise<string[]>>();
    const at = (revisions: string[]) => {
      const key = revisions.join(',');
      if (!cache.has(key))
        cache.set(
          key,
          this.releasesAt(instance, name, revisions, appNamespace),
        );
      return cache.get(key)!;
    };
    const targetReleases = knownTarget ?? (await at(revisionsOf(target)));
    const later = history
      .filter(h => h.id > historyId)
      .sort((a, b) => b.id - a.id);
    const undone: string[] = [];
    for (const h of later) {
      for (const release of await at(revisionsOf(h))) {
        if (!targetReleases.includes(release) && !undone.includes(release))
          undone.push(release);
      }
    }
    const irreversible: IrreversibleMigration[] = [];
    const unreported: string[] = [];
    for (const release of undone) {
      const plan = migrationPlan(
        await this.deps.evidence.evidenceFor(entityRef, release),
      );
      if (!plan) unreported.push(release);
      else if (plan.forwardOnly.length)
        irreversible.push({ release, forwardOnly: plan.forwardOnly });
    }
    return {
      historyId,
      target: targetReleases,
      undone,
      irreversible,
      unreported,
    };
  }

  /** 409 naming each forward-only step unless the caller acknowledged them. */
  requireAcknowledgement(
    name: string,
    check: RollbackMigrationCheck,
    acknowledged: boolean | undefined,
  ) {
    if (!check.irreversible.length || acknowledged) return;
    const plans = check.irreversible
      .map(
        m =>
          `release ${m.release} (${m.forwardOnly
            .map(f => `${f.file}: forward-only: ${f.reason}`)
            .join('; ')})`,
      )
      .join(', ');
    const back = check.target.length ? check.target.join(', ') : 'it';
    throw new ConflictError(
      `Rolling ${name} back to deployment #${check.historyId} goes back past ${plans}, whose migration cannot be undone: the database keeps that schema while ${back} runs again. If ${back} works with it, send {"acknowledgeIrreversibleMigration": true} to roll back anyway; otherwise roll forward with a fix.`,
    );
  }
}
