import type {
  FlagEditField,
  FlagEditProblem,
} from '@gantry/plugin-gantry-common';

/** Messages per field of a refused flag or segment edit. */
export type FieldErrors = Partial<Record<FlagEditField, string[]>>;

/** The `problems` of a 400 from a flag or segment edit, if the error carries them. */
export function editProblemsOf(error: unknown): FlagEditProblem[] {
  const body = (error as { body?: { problems?: unknown } } | undefined)?.body;
  return Array.isArray(body?.problems)
    ? (body!.problems as FlagEditProblem[]).filter(
        p => p && typeof p.field === 'string' && typeof p.message === 'string',
      )
    : [];
}

/** Groups problems by field; the path inside the field leads its message. */
export function fieldErrorsOf(problems: FlagEditProblem[]): FieldErrors {
  const out: FieldErrors = {};
  for (const p of problems) {
    (out[p.field] ??= []).push(p.path ? `${p.path}: ${p.message}` : p.message);
  }
  return out;
}

/**
 * Brings the first field with an error into view (the dialog content scrolls) and
 * focuses it, so the message beside it is seen without hunting for it.
 */
export function revealFirst(ids: Array<string | undefined>) {
  for (const id of ids) {
    const el = id ? document.getElementById(id) : null;
    if (!el) continue;
    el.scrollIntoView?.({ block: 'center' });
    el.focus?.({ preventScroll: true });
    return;
  }
}
