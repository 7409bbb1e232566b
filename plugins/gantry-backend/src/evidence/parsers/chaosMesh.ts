import { z } from 'zod';

const time = z.string().datetime({
  offset: true,
  message: 'must be an ISO-8601 time such as 2026-12-01T09:30:00Z',
});

/**
 * The parts of a Chaos Mesh (2.x) experiment object, as `kubectl get podchaos NAME -o
 * json` prints it, that date the fault: status.experiment.containerRecords[].events
 * (Apply/Recover, Succeeded/Failed, timestamp) and the AllRecovered condition. Every
 * other field is left as it is.
 */
export const chaosMeshObject = z
  .object({
    apiVersion: z.string().startsWith('chaos-mesh.org/', {
      message: 'must be chaos-mesh.org/v1alpha1 (a Chaos Mesh experiment)',
    }),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]{1,62}$/, {
      message: 'must be the Chaos Mesh kind, such as PodChaos',
    }),
    metadata: z.object({ name: z.string().min(1).max(253) }).passthrough(),
    spec: z
      .object({ action: z.string().min(1).max(63).optional() })
      .passthrough(),
    status: z
      .object({
        conditions: z
          .array(
            z.object({ type: z.string(), status: z.string() }).passthrough(),
          )
          .optional(),
        experiment: z
          .object({
            containerRecords: z
              .array(
                z
                  .object({
                    events: z
                      .array(
                        z
                          .object({
                            type: z.enum(['Succeeded', 'Failed']),
                            operation: z.enum(['Apply', 'Recover']),
                            timestamp: time,
                          })
                          .passthrough(),
                      )
                      .optional(),
                  })
                  .passthrough(),
              )
              .optional(),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export type ChaosMeshObject = z.infer<typeof chaosMeshObject>;

/** StressChaos has no action: its kind names the fault. */
const actionOf = (o: ChaosMeshObject) =>
  o.spec.action ??
  o.kind
    .replace(/Chaos$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/**
 * kind, action, name and times of one Chaos Mesh experiment: injected at the first
 * successful Apply; recovered at the last successful Recover once the AllRecovered
 * condition is True. `injectedAt` is absent when the fault was never injected.
 */
export function experimentOf(o: ChaosMeshObject): {
  kind: string;
  action: string;
  name: string;
  injectedAt?: string;
  recoveredAt?: string;
} {
  const events = (o.status.experiment.containerRecords ?? [])
    .flatMap(r => r.events ?? [])
    .filter(e => e.type === 'Succeeded')
    .map(e => ({ ...e, at: new Date(e.timestamp).toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at));
  const recovered = o.status.conditions?.some(
    c => c.type === 'AllRecovered' && c.status === 'True',
  );
  const recoveries = events.filter(e => e.operation === 'Recover');
  return {
    kind: o.kind,
    action: actionOf(o),
    name: o.metadata.name,
    injectedAt: events.find(e => e.operation === 'Apply')?.at,
    recoveredAt: recovered ? recoveries[recoveries.length - 1]?.at : undefined,
  };
}
