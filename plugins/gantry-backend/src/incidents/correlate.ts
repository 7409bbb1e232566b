import type { DeploymentRecord } from '@gantry/plugin-gantry-common';

/**
 * The suspect release of an alert: the latest deployment of the entity that started
 * within `windowMs` before the alert did, preferring the alert's own environment.
 */
export function suspectDeployment(
  deployments: DeploymentRecord[],
  alertStartedAt: string,
  windowMs: number,
  environment?: string,
): DeploymentRecord | undefined {
  const start = Date.parse(alertStartedAt);
  const candidates = deployments
    .filter(d => {
      const t = Date.parse(d.startedAt);
      return t <= start && start - t <= windowMs;
    })
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return (
    (environment && candidates.find(d => d.environment === environment)) ||
    candidates[0]
  );
}
