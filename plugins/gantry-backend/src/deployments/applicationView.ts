import type { ApplicationView } from '@gantry/plugin-gantry-common';

/** The fields of an Argo CD Application the Delivery tab shows, single or multi-source. */
export function applicationView(
  instance: string,
  app: any,
  environmentLabel: string,
): Omit<ApplicationView, 'rollouts'> {
  const sources: any[] =
    app.spec?.sources ?? (app.spec?.source ? [app.spec.source] : []);
  const sync = app.status?.sync ?? {};
  const op = app.status?.operationState;
  return {
    instance,
    name: app.metadata?.name,
    project: app.spec?.project,
    environment: app.metadata?.labels?.[environmentLabel] ?? 'unlabelled',
    syncStatus: sync.status ?? 'Unknown',
    healthStatus: app.status?.health?.status ?? 'Unknown',
    healthMessage: app.status?.health?.message,
    revisions: sync.revisions ?? (sync.revision ? [sync.revision] : []),
    sources: sources.map(s => ({
      repoURL: s.repoURL,
      path: s.path,
      chart: s.chart,
      targetRevision: s.targetRevision,
    })),
    destination: {
      server: app.spec?.destination?.server,
      name: app.spec?.destination?.name,
      namespace: app.spec?.destination?.namespace,
    },
    automatedSync: app.spec?.syncPolicy?.automated ?? undefined,
    operation: op && {
      phase: op.phase,
      message: op.message,
      startedAt: op.startedAt,
      finishedAt: op.finishedAt,
      initiatedBy: op.operation?.initiatedBy?.automated
        ? 'automated'
        : op.operation?.initiatedBy?.username,
    },
    outOfSync: (app.status?.resources ?? [])
      .filter((r: any) => r.status === 'OutOfSync')
      .map((r: any) => ({
        group: r.group || undefined,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
      })),
    history: [...(app.status?.history ?? [])]
      .reverse()
      .slice(0, 10)
      .map((h: any) => ({
        id: h.id,
        revisions: h.revisions ?? (h.revision ? [h.revision] : []),
        deployedAt: h.deployedAt,
        initiatedBy: h.initiatedBy?.automated
          ? 'automated'
          : h.initiatedBy?.username,
      })),
  };
}
