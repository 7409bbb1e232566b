import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/** Turns zod issues into one sentence naming each offending field. */
function describe(error: z.ZodError, where: string): string {
  const parts = error.issues.map(i => {
    const path = i.path.length ? i.path.join('.') : where;
    return `${path}: ${i.message}`;
  });
  return `Invalid ${where}. ${parts.join('; ')}.`;
}

export function parseQuery<T extends z.ZodTypeAny>(
  schema: T,
  query: unknown,
): z.infer<T> {
  const r = schema.safeParse(query);
  if (!r.success) throw new InputError(describe(r.error, 'query parameters'));
  return r.data;
}

export function parseBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new InputError(describe(r.error, 'request body'));
  return r.data;
}
