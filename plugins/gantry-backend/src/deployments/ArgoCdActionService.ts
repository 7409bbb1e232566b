import type { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATIONS,
  type ArgoCdActionName,
  type ArgoCdActionResult,
  type AutomatedSyncPolicy,
  type RollbackMigrationCheck,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ArgoCdClient } from '../providers/ArgoCdClient';
import type { MigrationSteps } from './MigrationSteps';
import type { ProductionGate } from './productionGate';

export type ArgoCdAction = ArgoCdActionName;

/**
 * Sync, refresh or roll back one of an entity's Argo CD applications, and turn its
 * automated sync back on. The application must be one the entity's argocd/* annotations
 * find, so a permission on one entity never reaches another's applications.
 *
 * In production sync, rollback and enable-auto-sync pass the release gate first
 * (ProductionGate).
 *
 * Argo CD refuses to roll back an app with automated sync, so a rollback turns it off
 * first, records that, and returns the previous policy for `enable-auto-sync`.
 */
export class ArgoCdActionService {
  constructor(
    private readonly deps: {
      argocd: ArgoCdClient;
      audit: AuditService;
      gate: ProductionGate;
      migrations: MigrationSteps;
    },
  ) {}

  /** The application if the entity's annotations find it; 404 otherwise. */
  private async ownedApp(
    entity: Entity,
    entityRef: string,
    instance: string,
    name: string,
  ): Promise<{ appNamespace?: string; app?: any }> {
    const a = entity.metadata.annotations ?? {};
    const appNamespace = a[ANNOTATIONS.argocdAppNamespace];
    let app: any;
    let owned = false;
    if (a[ANNOTATIONS.argocdAppSelector]) {
      const apps = await this.deps.argocd.listApplications(instance, {
        selector: a[ANNOTATIONS.argocdAppSelector],
        appNamespace,
      });
      app = apps.find(x => x.metadata?.name === name);
      owned = Boolean(app);
    } else if (a[ANNOTATIONS.argocdAppName]) {
      owned = a[ANNOTATIONS.argocdAppName] === name;
    }
    if (!owned) {
      throw new NotFoundError(
        `Argo CD application ${name} on ${instance} is not one of ${entityRef}'s applications.`,
      );
    }
    return { appNamespace, app };
  }

  /** What rolling the app back to `historyId` does to its database schema. */
  async rollbackCheck(input: {
    entity: Entity;
    entityRef: string;
    instance: string;
    name: string;
    historyId: number;
  }): Promise<RollbackMigrationCheck> {
    const { instance, name } = input;
    const owned = await this.ownedApp(
      input.entity,
      input.entityRef,
      instance,
      name,
    );
    const app =
      owned.app ??
      (await this.deps.argocd.getApplication(
        instance,
        name,
        owned.appNamespace,
      ));
    return this.deps.migrations.rollbackCheck(
      input.entityRef,
      instance,
      app,
      input.historyId,
      owned.appNamespace,
    );
  }

  async act(input: {
    entity: Entity;
    entityRef: string;
    instance: string;
    name: string;
    action: ArgoCdAction;
    historyId?: number;
    /** The release the caller believes the action deploys; checked, not trusted. */
    release?: string;
    emergency?: { reason: string };
    /** enable-auto-sync: the policy to restore (a rollback's result says the previous one). */
    automated?: AutomatedSyncPolicy;
    /** rollback: goes back past a release with a forward-only migration knowingly. */
    acknowledgeIrreversibleMigration?: boolean;
    actor: string;
  }): Promise<ArgoCdActionResult> {
    const { instance, name, action } = input;
    if (action === 'rollback' && !Number.isInteger(input.historyId)) {
      throw new InputError(
        'A rollback needs the history id to return to: send {"id": <status.history[].id>}.',
      );
    }
    const owned = await this.ownedApp(
      input.entity,
      input.entityRef,
      instance,
      name,
    );
    const { appNamespace } = owned;
    if (action === 'refresh') {
      await this.deps.argocd.refresh(instance, name, appNamespace);
      await this.record(input, {});
      return { action, application: name };
    }
    const app =
      owned.app ??
      (await this.deps.argocd.getApplication(instance, name, appNamespace));
    const automated: AutomatedSyncPolicy | undefined =
      app?.spec?.syncPolicy?.automated ?? undefined;
    let revisions: string[] | undefined;
    if (action === 'rollback') {
      const entry = (app?.status?.history ?? []).find(
        (h: any) => h.id === input.historyId,
      );
      if (!entry) {
        throw new InputError(
          `${name} has no deployment #${
            input.historyId
          } in its Argo CD history (ids: ${
            (app?.status?.history ?? []).map((h: any) => h.id).join(', ') ||
            'none'
          }); pick one from the Delivery tab.`,
        );
      }
      revisions = entry.revisions ?? (entry.revision ? [entry.revision] : []);
    }
    if (action === 'enable-auto-sync' && automated) {
      throw new ConflictError(
        `${name} already syncs automatically (${JSON.stringify(automated)}).`,
      );
    }

    const gate = await this.deps.gate.check(
      input,
      app,
      appNamespace,
      revisions,
    );
    const migrations =
      action === 'rollback'
        ? await this.deps.migrations.rollbackCheck(
            input.entityRef,
            instance,
            app,
            input.historyId!,
            appNamespace,
            gate?.releases.map(r => r.version),
          )
        : undefined;
    if (migrations)
      this.deps.migrations.requireAcknowledgement(
        name,
        migrations,
        input.acknowledgeIrreversibleMigration,
      );
    const irreversible = migrations?.irreversible.length
      ? migrations.irreversible
      : undefined;
    const result: ArgoCdActionResult = {
      action,
      application: name,
      ...(gate ? { gate } : {}),
      ...(irreversible ? { irreversibleMigrations: irreversible } : {}),
    };

    if (action === 'sync') {
      await this.deps.argocd.sync(instance, name, appNamespace);
    } else if (action === 'enable-auto-sync') {
      const policy = input.automated ?? {};
      await this.deps.argocd.patchApplication(
        instance,
        name,
        { spec: { syncPolicy: { automated: policy } } },
        appNamespace,
      );
      result.autoSyncEnabled = policy;
    } else if (automated) {
      result.autoSyncDisabled = { previous: automated };
      await this.rollbackWithoutAutoSync(input, appNamespace, automated);
    } else {
      await this.deps.argocd.rollback(
        instance,
        name,
        input.historyId!,
        appNamespace,
      );
    }
    await this.record(input, {
      ...(action === 'rollback'
        ? { historyId: input.historyId, revisions: revisions ?? [] }
        : {}),
      ...(result.autoSyncEnabled ? { automated: result.autoSyncEnabled } : {}),
      ...(gate ? { gate } : {}),
      ...(irreversible
        ? {
            irreversibleMigrations: irreversible,
            acknowledgedIrreversibleMigration: true,
          }
        : {}),
    });
    return result;
  }

  /**
   * Argo CD refuses to roll back while automated sync is on: turn it off (recorded), roll
   * back, and if the rollback fails, turn it on again so nothing changed.
   */
  private async rollbackWithoutAutoSync(
    input: {
      entityRef: string;
      instance: string;
      name: string;
      historyId?: number;
      actor: string;
    },
    appNamespace: string | undefined,
    automated: AutomatedSyncPolicy,
  ) {
    const { instance, name } = input;
    const setAutomated = (policy: AutomatedSyncPolicy | null) =>
      this.deps.argocd.patchApplication(
        instance,
        name,
        { spec: { syncPolicy: { automated: policy } } },
        appNamespace,
      );
    const audit = (action: string, details: Record<string, unknown>) =>
      this.deps.audit.record({
        actor: input.actor,
        action,
        entityRef: input.entityRef,
        details: { instance, application: name, ...details },
      });
    await setAutomated(null);
    await audit('argocd.auto-sync-disabled', {
      reason: `rollback to deployment #${input.historyId}`,
      previous: { ...automated },
    });
    try {
      await this.deps.argocd.rollback(
        instance,
        name,
        input.historyId!,
        appNamespace,
      );
    } catch (e) {
      await setAutomated(automated);
      await audit('argocd.auto-sync-restored', {
        reason: `the rollback failed: ${(e as Error).message}`,
        policy: { ...automated },
      });
      throw e;
    }
  }

  private async record(
    input: { actor: string; action: ArgoCdAction; entityRef: string } & {
      instance: string;
      name: string;
    },
    details: Record<string, unknown>,
  ) {
    await this.deps.audit.record({
      actor: input.actor,
      action: `argocd.${input.action}`,
      entityRef: input.entityRef,
      details: {
        instance: input.instance,
        application: input.name,
        ...details,
      },
    });
  }
}
