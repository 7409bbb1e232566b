import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { FLAG_TYPES } from '@gantry/plugin-gantry-common';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A flag key or segment name from the path. */
export function keyParam(value: string, what: 'flag key' | 'segment name') {
  if (!KEY.test(value)) {
    throw new InputError(
      `Invalid ${what} '${value}': start with a letter or digit, then letters, digits, '.', '_' or '-' (at most 128), e.g. new-checkout.`,
    );
  }
  return value;
}

const reason = z
  .string()
  .trim()
  .min(3, { message: 'say why in a few words (at least 3 characters)' })
  .max(2000);

const baseVersion = z.number().int().nonnegative().nullable();

export const flagWriteBody = z.object({
  flag: z.object({
    definition: z
      .object({ state: z.string(), variants: z.record(z.unknown()) })
      .passthrough(),
    type: z.enum(FLAG_TYPES),
    owner: z.string().min(3).max(255).optional(),
    expiresAt: z
      .string()
      .datetime({
        message: 'must be an ISO-8601 UTC time such as 2027-01-31T00:00:00Z',
      })
      .nullable()
      .optional(),
    description: z.string().max(2000).optional(),
    safeVariant: z.string().min(1).max(128).optional(),
    prerequisites: z
      .array(
        z.object({
          flag: z.string().regex(KEY, {
            message: 'must be the key of another flag, e.g. new-checkout',
          }),
          variants: z
            .array(z.string().min(1).max(128))
            .min(1, {
              message: 'name at least one variant that lets this flag through',
            })
            .max(50),
        }),
      )
      .max(10, { message: 'at most 10 prerequisites per flag' })
      .optional(),
  }),
  baseVersion,
  reason,
});

export const segmentWriteBody = z.object({
  segment: z.object({
    rule: z.record(z.unknown()),
    description: z.string().max(2000).optional(),
  }),
  baseVersion,
  reason,
});

export const deleteBody = z.object({
  baseVersion: z.number().int().nonnegative(),
  reason,
});

export const killBody = z.object({ reason });

/** Lifting a kill names the killed version, so a restore never lands on a newer edit unseen. */
export const restoreBody = z.object({
  baseVersion: z.number().int().nonnegative(),
  reason,
});

export const decisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});

export const reviewBody = z.object({ comment: z.string().max(2000) });

export const createKeyBody = z.object({
  environment: z.string().min(1).max(64),
  name: z
    .string()
    .trim()
    .min(2, { message: 'name the application that will use the key' })
    .max(128),
});

export const usageQuery = z.object({
  environment: z.string().min(1).max(64),
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30, { message: 'at most 720 hours (30 days)' })
    .default(24),
});

export const experimentConfigBody = z
  .object({
    conversionEvent: z
      .string()
      .trim()
      .min(1)
      .max(128, { message: 'at most 128 characters' }),
    controlVariant: z.string().min(1).max(128),
    minimumDetectableEffect: z
      .number()
      .gt(0, { message: 'must be above 0, e.g. 0.02 for two points' })
      .lt(1, {
        message:
          'is an absolute change in conversion rate below 1, e.g. 0.02 for two points',
      }),
    baselineRate: z.number().min(0).max(1).optional(),
    alpha: z
      .number()
      .gt(0)
      .max(0.2, { message: 'at most 0.2; 0.05 is usual' })
      .default(0.05),
    power: z
      .number()
      .min(0.5)
      .lt(1, { message: 'below 1; 0.8 is usual' })
      .default(0.8),
  })
  .strict()
  .refine(
    c =>
      c.baselineRate === undefined ||
      c.minimumDetectableEffect <= Math.max(c.baselineRate, 1 - c.baselineRate),
    {
      message:
        'minimumDetectableEffect cannot move baselineRate outside 0..1 in either direction',
      path: ['minimumDetectableEffect'],
    },
  );

export const rolloutWinnerBody = z
  .object({ reason: reason.optional() })
  .default({});

/** Events per ingestion request. */
const MAX_EVENTS = 1000;

const eventBase = {
  id: z.string().min(1).max(128),
  targetingKey: z.string().min(1).max(255),
  timestamp: z
    .string()
    .datetime({
      offset: true,
      message: 'must be an ISO-8601 time such as 2026-11-26T12:00:00Z',
    })
    .optional(),
};

export const ingestBody = z.object({
  events: z
    .array(
      z.discriminatedUnion('type', [
        z
          .object({
            ...eventBase,
            type: z.literal('exposure'),
            flagKey: z.string().regex(KEY, { message: 'is not a flag key' }),
            variant: z.string().min(1).max(128),
          })
          .strict(),
        z
          .object({
            ...eventBase,
            type: z.literal('conversion'),
            event: z.string().min(1).max(128),
          })
          .strict(),
      ]),
    )
    .min(1, { message: 'send at least one event' })
    .max(MAX_EVENTS, {
      message: `at most ${MAX_EVENTS} events per request; split the batch`,
    }),
});
