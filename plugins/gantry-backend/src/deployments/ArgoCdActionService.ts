import type { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ArgoCdClient } from '../providers/ArgoCdClient';

export type ArgoCdAction = 'sync' | 'refresh' | 'rollback';

/**
 * Sync, refresh or roll back one of an entity's Argo CD applications. The application
 * must be one the entity's argocd/* annotations find, so a permission on one entity
 * never reaches another's applications.
 */
export class ArgoCdActionService {
  constructor(
    private readonly deps: { argocd: ArgoCdClient; audit: AuditService },
  ) {}

  private async assertOwned(
    entity: Entity,
    entityRef: string,
    instance: string,
    name: string,
  ) {
    const a = entity.metadata.annotations ?? {};
    const appNamespace = a[ANNOTATIONS.argocdAppNamespace];
    let owned = false;
    if (a[ANNOTATIONS.argocdAppSelector]) {
      const apps = await this.deps.argocd.listApplications(instance, {
        selector: a[ANNOTATIONS.argocdAppSelector],
        appNamespace,
      });
      owned = apps.some(app => app.metadata?.name === name);
    } else if (a[ANNOTATIONS.argocdAppName]) {
      owned = a[ANNOTATIONS.argocdAppName] === name;
    }
    if (!owned) {
      throw new NotFoundError(
        `Argo CD application ${name} on ${instance} is not one of ${entityRef}'s applications.`,
      );
    }
    return appNamespace;
  }

  async act(input: {
    entity: Entity;
    entityRef: string;
    instance: string;
    name: string;
    action: ArgoCdAction;
    historyId?: number;
    actor: string;
  }): Promise<{ action: ArgoCdAction; application: string }> {
    if (input.action === 'rollback' && !Number.isInteger(input.historyId)) {
      throw new InputError(
        'A rollback needs the history id to return to: send {"id": <status.history[].id>}.',
      );
    }
    const appNamespace = await this.assertOwned(
      input.entity,
      input.entityRef,
      input.instance,
      input.name,
    );
    if (input.action === 'sync')
      await this.deps.argocd.sync(input.instance, input.name, appNamespace);
    if (input.action === 'refresh')
      await this.deps.argocd.refresh(input.instance, input.name, appNamespace);
    if (input.action === 'rollback')
      await this.deps.argocd.rollback(
        input.instance,
        input.name,
        input.historyId!,
        appNamespace,
      );
    await this.deps.audit.record({
      actor: input.actor,
      action: `argocd.${input.action}`,
      entityRef: input.entityRef,
      details: {
        instance: input.instance,
        application: input.name,
        ...(input.action === 'rollback' ? { historyId: input.historyId } : {}),
      },
    });
    return { action: input.action, application: input.name };
  }
}
