import type { Entity } from '@backstage/catalog-model';
import type { DeploymentRecord } from '@gantry/plugin-gantry-common';
import { previousDeployment } from '../deployments/argocdRollbackRemedy';
import { suspectDeployment } from './correlate';
import { escalationPolicy, nextEscalation } from './escalation';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: { owner: 'group:default/payments' },
});

describe('escalation on a fake clock', () => {
  const policy = escalationPolicy(
    entity({
      'gantry.dev/escalation':
        'group:default/sre, group:default/platform-leads',
      'gantry.dev/escalation-after': '15m',
    }),
  );
  const at = (minutes: number) =>
    new Date(Date.parse('2026-11-26T10:00:00Z') + minutes * 60_000);

  it('walks the levels, each after 15 minutes without acknowledgement, and stops at the last', () => {
    let incident = {
      escalationLevel: 0,
      lastNotifiedAt: at(0).toISOString(),
    };
    const timeline: string[] = [];
    for (let minute = 1; minute <= 60; minute++) {
      const next = nextEscalation(policy, incident, at(minute));
      if (next) {
        timeline.push(`${minute}m ${next.recipient}`);
        incident = {
          escalationLevel: next.level,
          lastNotifiedAt: at(minute).toISOString(),
        };
      }
    }
    expect(timeline).toEqual([
      '15m group:default/sre',
      '30m group:default/platform-leads',
    ]);
  });

  it('defaults to 15 minutes and refuses a duration it cannot read', () => {
    expect(escalationPolicy(entity({})).afterMs).toBe(900_000);
    expect(() =>
      escalationPolicy(entity({ 'gantry.dev/escalation-after': 'soon' })),
    ).toThrow(
      "Annotation gantry.dev/escalation-after 'soon' is not a duration; write it as 90s, 15m or 1h.",
    );
  });
});

describe('correlation with hand-built histories', () => {
  const d = (
    revision: string,
    environment: string,
    startedAt: string,
    outcome: DeploymentRecord['outcome'] = 'succeeded',
  ): DeploymentRecord => ({
    id: `${revision}-${environment}`,
    entityRef: 'component:default/checkout',
    environment,
    instance: 'main',
    application: `checkout-${environment}`,
    revision,
    startedAt,
    outcome,
    rollback: false,
    manualIntervention: false,
    source: 'argocd-notification',
  });
  const history = [
    d('r1', 'production', '2026-11-26T06:00:00.000Z'),
    d('r2', 'staging', '2026-11-26T09:10:00.000Z'),
    d('r2', 'production', '2026-11-26T09:30:00.000Z'),
    d('r3', 'staging', '2026-11-26T09:50:00.000Z'),
    d('r4', 'production', '2026-11-26T10:05:00.000Z'),
  ];
  const TWO_HOURS = 7_200_000;

  it("prefers the alert's environment, else the latest deployment in the window", () => {
    const alert = '2026-11-26T10:00:00.000Z';
    expect(suspectDeployment(history, alert, TWO_HOURS, 'production')?.id).toBe(
      'r2-production',
    );
    expect(suspectDeployment(history, alert, TWO_HOURS)?.id).toBe('r3-staging');
    // nothing started in the 20 minutes before
    expect(
      suspectDeployment(history, alert, 5 * 60_000, 'production'),
    ).toBeUndefined();
  });

  it('rolls back to the last successful different revision of the same environment', () => {
    expect(previousDeployment(history, history[2])?.id).toBe('r1-production');
    expect(
      previousDeployment(
        [
          d('r0', 'production', '2026-11-25T00:00:00.000Z', 'failed'),
          history[2],
        ],
        history[2],
      ),
    ).toBeUndefined();
  });
});
