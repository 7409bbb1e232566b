import { z } from 'zod';

const isoTime = z
  .string()
  .refine(s => !Number.isNaN(Date.parse(s)), {
    message: 'must be an RFC 3339 time such as 2026-11-26T12:00:00Z',
  })
  .transform(s => new Date(s).toISOString());
/** Go templates render a missing field as "" or "<no value>"; both mean absent. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(
    v => (v === '' || v === '<no value>' || v === null ? undefined : v),
    schema.optional(),
  );
const name = z.string().min(1).max(253);
const labels = z.record(z.string()).optional();

/**
 * The body the Argo CD notifications webhook template sends (README shows the template):
 * one sync operation of one Application, read from `.app.status.operationState`.
 */
const argoCdEvent = z.object({
  source: z.literal('argocd'),
  instance: optional(name),
  application: name,
  labels,
  environment: optional(name),
  entityRef: optional(name),
  revision: z.string().min(1).max(255),
  phase: z.enum(['Running', 'Terminating', 'Succeeded', 'Failed', 'Error']),
  startedAt: isoTime,
  finishedAt: optional(isoTime),
  commitTime: optional(isoTime),
  initiatedBy: z
    .object({
      username: optional(z.string().max(255)),
      automated: z.preprocess(
        v =>
          typeof v === 'string'
            ? ({ true: true, false: false, '': false } as any)[v] ?? v
            : v,
        z.boolean().optional(),
      ),
    })
    .optional(),
  rollback: z.boolean().optional(),
  message: optional(z.string().max(4000)),
});

/**
 * The body the Argo Rollouts notifications webhook template sends: the end of a
 * rollout. `application` is the Argo CD app that manages the Rollout (its
 * app.kubernetes.io/instance label).
 */
const rolloutsEvent = z.object({
  source: z.literal('argo-rollouts'),
  instance: optional(name),
  event: z.enum([
    'rollout-completed',
    'rollout-aborted',
    'analysis-run-failed',
  ]),
  application: name,
  labels,
  environment: optional(name),
  entityRef: optional(name),
  rollout: name,
  namespace: name,
  revision: optional(z.string().max(255)),
  /** When the rollout ended; the time of receipt when absent. */
  at: optional(isoTime),
  message: optional(z.string().max(4000)),
});

export const deploymentEvent = z.discriminatedUnion('source', [
  argoCdEvent,
  rolloutsEvent,
]);
export type DeploymentEvent = z.infer<typeof deploymentEvent>;
