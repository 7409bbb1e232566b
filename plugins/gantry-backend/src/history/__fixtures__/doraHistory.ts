import type { DeploymentRecord } from '@gantry/plugin-gantry-common';

const d = (
  id: string,
  startedAt: string,
  finishedAt: string | undefined,
  outcome: DeploymentRecord['outcome'],
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord => ({
  id,
  entityRef: 'component:default/checkout',
  environment: 'production',
  instance: 'main',
  application: 'checkout-production',
  revision: id,
  startedAt,
  finishedAt,
  outcome,
  rollback: false,
  manualIntervention: false,
  source: 'argocd-notification',
  ...extra,
});

/** A hand-built production history; every expected figure is worked out beside it. */
export const HISTORY = [
  // lead 2h10m = 7800 s, duration 600 s
  d('A', '2026-11-01T10:00:00Z', '2026-11-01T10:10:00Z', 'succeeded', {
    commitTime: '2026-11-01T08:00:00Z',
  }),
  // failed; restored by C: 11:05 - 10:20 = 2700 s
  d('B', '2026-11-03T10:00:00Z', '2026-11-03T10:20:00Z', 'failed', {
    commitTime: '2026-11-03T09:00:00Z',
  }),
  // lead 35m = 2100 s, duration 300 s, promoted by hand
  d('C', '2026-11-03T11:00:00Z', '2026-11-03T11:05:00Z', 'succeeded', {
    commitTime: '2026-11-03T10:30:00Z',
    manualIntervention: true,
  }),
  // lead 4h30m = 16200 s, duration 1800 s; rolled back by E: 12:02 - 10:30 = 5520 s
  d('D', '2026-11-05T10:00:00Z', '2026-11-05T10:30:00Z', 'succeeded', {
    commitTime: '2026-11-05T06:00:00Z',
  }),
  // the rollback: 120 s
  d('E', '2026-11-05T12:00:00Z', '2026-11-05T12:02:00Z', 'succeeded', {
    rollback: true,
  }),
  // aborted; restored by G after the window: 4 days - 5 min = 345300 s
  d('F', '2026-11-08T10:00:00Z', '2026-11-08T10:15:00Z', 'aborted', {
    commitTime: '2026-11-08T09:00:00Z',
  }),
  // still running at the end of the window
  d('H', '2026-11-10T23:00:00Z', undefined, 'running'),
  d('G', '2026-11-12T10:00:00Z', '2026-11-12T10:10:00Z', 'succeeded'),
];
