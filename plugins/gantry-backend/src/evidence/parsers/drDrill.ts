import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

const drill = z
  .object({
    restoredAt: z.string().datetime({
      offset: true,
      message: 'must be an ISO-8601 time such as 2026-12-01T09:30:00Z',
    }),
    rtoSeconds: z
      .number()
      .finite()
      .min(0)
      .max(30 * 86_400),
    scope: z.string().trim().min(3).max(500),
    /** Every check after the restore (counts, health, audit chain) passed. */
    verified: z.boolean(),
    runbook: z.string().url().max(2000).optional(),
  })
  .strict();

/** A DR drill record: when a restore test of the service's data ran, and its measured RTO. */
export function parseDrDrill(bytes: Buffer, now = new Date()): EvidenceSummary {
  const r = drill.safeParse(parseJson('dr-drill', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'dr-drill',
      pathOf(issue.path),
      `${issue.message}; upload {"restoredAt", "rtoSeconds", "scope", "verified", "runbook"?}`,
    );
  }
  const d = r.data;
  const restoredAt = new Date(d.restoredAt);
  if (restoredAt.getTime() > now.getTime() + 5 * 60_000)
    throw new EvidenceFormatError(
      'dr-drill',
      'restoredAt',
      `${d.restoredAt} is in the future; record a drill after it ran`,
    );
  return {
    headline: `DR drill ${restoredAt.toISOString().slice(0, 10)}: ${
      d.scope
    } restored in ${d.rtoSeconds} s${d.verified ? '' : ', checks FAILED'}`,
    drDrill: { ...d, restoredAt: restoredAt.toISOString() },
  };
}
