import type { Entity } from '@backstage/catalog-model';
import type { DeploymentRecord } from '@gantry/plugin-gantry-common';
import type { RemedyProvider } from '../kernel/remedy';

/** What the rollback remedy reads of the deployment history (DeploymentHistoryService). */
interface EnvironmentDeployments {
  list(q: {
    entityRef: string;
    environment: string;
    before: string;
    limit: number;
  }): Promise<{ items: DeploymentRecord[] }>;
}

/** What the rollback remedy needs of the Argo CD actions (ArgoCdActionService). */
interface ArgoCdRollback {
  act(input: {
    entity: Entity;
    entityRef: string;
    instance: string;
    name: string;
    action: 'rollback';
    historyId: number;
    actor: string;
  }): Promise<unknown>;
}

/** The deployment the suspect replaced: what a rollback returns to. */
export function previousDeployment(
  deployments: DeploymentRecord[],
  suspect: DeploymentRecord,
): DeploymentRecord | undefined {
  return deployments
    .filter(
      d =>
        d.environment === suspect.environment &&
        d.startedAt < suspect.startedAt &&
        d.outcome === 'succeeded' &&
        d.revision !== suspect.revision,
    )
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

/**
 * Roll the suspect release's Argo CD application back to the revision deployed before
 * it, through the same action as the Delivery tab's Rollback; offered only while Argo
 * CD still keeps that revision in the application's history.
 */
export function argocdRollbackRemedy(deps: {
  history: EnvironmentDeployments;
  argocd: ArgoCdRollback;
}): RemedyProvider<'argocd-rollback'> {
  return {
    kind: 'argocd-rollback',
    async offer({ entityRef, suspect, pipeline }) {
      const view = await pipeline();
      const app = view.applications.find(
        a => a.name === suspect.application && a.instance === suspect.instance,
      );
      const { items } = await deps.history.list({
        entityRef,
        environment: suspect.environment,
        before: new Date(Date.parse(suspect.startedAt) + 1).toISOString(),
        limit: 50,
      });
      const previous = previousDeployment(items, suspect);
      const entry = previous
        ? app?.history.find(h => h.revisions.join(',') === previous.revision)
        : undefined;
      return {
        remedies:
          app && previous && entry
            ? [
                {
                  kind: 'argocd-rollback',
                  instance: app.instance,
                  application: app.name,
                  historyId: entry.id,
                  revision: previous.revision,
                  label: `Roll ${app.name} back to ${previous.revision.slice(
                    0,
                    7,
                  )}`,
                },
              ]
            : [],
        errors: [],
      };
    },
    apply(remedy, { entity, entityRef, actor }) {
      return deps.argocd.act({
        entity,
        entityRef,
        instance: remedy.instance,
        name: remedy.application,
        action: 'rollback',
        historyId: remedy.historyId,
        actor,
      });
    },
  };
}
