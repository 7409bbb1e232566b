import { z } from 'zod';

const time = z.string().refine(s => !Number.isNaN(Date.parse(s)), {
  message: 'must be an RFC 3339 time',
});

/**
 * Alertmanager's webhook body, version 4, exactly as Alertmanager sends it
 * (notify/webhook: Message with template.Data). An alert that has not ended carries
 * endsAt "0001-01-01T00:00:00Z".
 */
export const alertmanagerWebhook = z.object({
  version: z.literal('4', {
    errorMap: () => ({
      message:
        'Gantry reads Alertmanager webhook version 4 (Alertmanager 0.x sends "4")',
    }),
  }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: z.record(z.string()),
  commonLabels: z.record(z.string()),
  commonAnnotations: z.record(z.string()),
  externalURL: z.string(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string()),
        annotations: z.record(z.string()),
        startsAt: time,
        endsAt: time,
        generatorURL: z.string(),
        fingerprint: z.string().min(1).max(64),
      }),
    )
    .min(1),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhook>;
export type AlertmanagerAlert = AlertmanagerWebhook['alerts'][number];

/** Alertmanager's zero time: the alert has not ended. */
export const isZeroTime = (s: string) => s.startsWith('0001-01-01');
