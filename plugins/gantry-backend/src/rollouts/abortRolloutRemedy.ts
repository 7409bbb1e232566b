import type { Entity } from '@backstage/catalog-model';
import type { RemedyProvider } from '../kernel/remedy';

/** What the abort remedy needs of the Rollout actions (RolloutActionService). */
interface RolloutAborter {
  act(input: {
    entity: Entity;
    entityRef: string;
    cluster: string;
    namespace: string;
    name: string;
    action: 'abort';
    actor: string;
  }): Promise<unknown>;
}

/**
 * Abort each Rollout of the suspect release's application that is still progressing,
 * through the same action as the Delivery tab's Abort button.
 */
export function abortRolloutRemedy(
  rollouts: RolloutAborter,
): RemedyProvider<'abort-rollout'> {
  return {
    kind: 'abort-rollout',
    async offer({ suspect, pipeline }) {
      const view = await pipeline();
      const app = view.applications.find(
        a => a.name === suspect.application && a.instance === suspect.instance,
      );
      return {
        remedies: (app?.rollouts ?? [])
          .filter(r => !r.aborted && !r.fullyPromoted)
          .map(r => ({
            kind: 'abort-rollout',
            cluster: r.cluster,
            namespace: r.namespace,
            name: r.name,
            label: `Abort rollout ${r.namespace}/${r.name}${
              r.release ? ` (${r.release})` : ''
            }`,
          })),
        errors: [],
      };
    },
    apply(remedy, { entity, entityRef, actor }) {
      return rollouts.act({
        entity,
        entityRef,
        cluster: remedy.cluster,
        namespace: remedy.namespace,
        name: remedy.name,
        action: 'abort',
        actor,
      });
    },
  };
}
