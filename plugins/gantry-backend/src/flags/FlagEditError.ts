import { InputError } from '@backstage/errors';
import type {
  FlagEditErrorResponse,
  FlagEditField,
  FlagEditProblem,
} from '@gantry/plugin-gantry-common';
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import type { FlagProblem } from './validateFlagSet';

/**
 * A refused flag or segment edit. Still an InputError (400 with the full sentence as the
 * message); the flags router adds `problems`, each tied to the field the user wrote, so
 * the dialogs can show a message beside that field.
 */
export class FlagEditError extends InputError {
  constructor(message: string, readonly problems: FlagEditProblem[]) {
    super(message);
  }
}

const INPUT_FIELDS = new Set<FlagEditField>([
  'type',
  'owner',
  'expiresAt',
  'description',
  'safeVariant',
  'prerequisites',
]);

/**
 * Maps a flag-set path (`flags.<key>.targeting.if.1`, `$evaluators.<name>`) to the
 * field of the edit of `target` `key`: the rest of a flag's own path is inside its
 * definition unless it names one of the edit's other fields (safeVariant, prerequisites).
 */
export function problemOfEdit(
  target: 'flag' | 'segment',
  key: string,
  problem: FlagProblem,
): FlagEditProblem {
  const own = `${target === 'flag' ? 'flags' : '$evaluators'}.${key}`;
  const field: FlagEditField = target === 'flag' ? 'definition' : 'rule';
  if (problem.path !== own && !problem.path.startsWith(`${own}.`)) {
    // Another flag or segment of the set that this edit would break.
    return { field, path: problem.path, message: problem.message };
  }
  const rest = problem.path.slice(own.length + 1);
  const head = rest.split('.')[0] as FlagEditField;
  if (target === 'flag' && INPUT_FIELDS.has(head)) {
    return {
      field: head,
      path: rest.slice(head.length + 1),
      message: problem.message,
    };
  }
  return { field, path: rest, message: problem.message };
}

/** A zod issue path of a flag or segment write body -> the field it belongs to. */
function fieldOfBodyPath(path: Array<string | number>): {
  field: FlagEditField;
  path: string;
} {
  const [first, second, ...rest] = path.map(String);
  if (first === 'flag' || first === 'segment') {
    if (second === undefined)
      return { field: first === 'flag' ? 'definition' : 'rule', path: '' };
    return { field: second as FlagEditField, path: rest.join('.') };
  }
  return {
    field: (first ?? 'definition') as FlagEditField,
    path: [second, ...rest].filter(p => p !== undefined).join('.'),
  };
}

/** parseBody for flag and segment edits: the same 400 sentence, plus problems by field. */
export function parseEditBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const problems = r.error.issues.map(i => ({
    ...fieldOfBodyPath(i.path),
    message: i.message,
  }));
  const parts = r.error.issues.map(
    i => `${i.path.length ? i.path.join('.') : 'request body'}: ${i.message}`,
  );
  throw new FlagEditError(
    `Invalid request body. ${parts.join('; ')}.`,
    problems,
  );
}

/** Answers a FlagEditError with 400 in Backstage's error shape plus `problems`. */
export const flagEditErrorToBadRequest: ErrorRequestHandler = (
  err,
  req,
  res,
  next,
) => {
  if (!(err instanceof FlagEditError)) {
    next(err);
    return;
  }
  const body: FlagEditErrorResponse & Record<string, unknown> = {
    error: { name: 'InputError', message: err.message },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: 400 },
    problems: err.problems,
  };
  res.status(400).json(body);
};
