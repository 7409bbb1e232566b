import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

const time = (example: string) =>
  z.string().datetime({
    offset: true,
    message: `must be an ISO-8601 time such as ${example}`,
  });

const OUTCOMES = ['approved', 'approved-with-conditions', 'rejected'] as const;

const dpia = z
  .object({
    assessedAt: time('2026-11-20T10:00:00Z'),
    assessor: z.string().trim().min(2).max(200),
    outcome: z.enum(OUTCOMES, {
      errorMap: () => ({ message: `must be one of ${OUTCOMES.join(', ')}` }),
    }),
    reviewDue: time('2027-11-20T00:00:00Z').optional(),
  })
  .strict();

/** A data protection impact assessment (GDPR Art. 35): who assessed the service, when, with what outcome. */
export function parseDpia(bytes: Buffer, now = new Date()): EvidenceSummary {
  const r = dpia.safeParse(parseJson('dpia', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'dpia',
      pathOf(issue.path),
      `${issue.message}; upload {"assessedAt", "assessor", "outcome", "reviewDue"?}`,
    );
  }
  const d = r.data;
  const assessedAt = new Date(d.assessedAt).toISOString();
  if (Date.parse(assessedAt) > now.getTime() + 5 * 60_000)
    throw new EvidenceFormatError(
      'dpia',
      'assessedAt',
      `${d.assessedAt} is in the future; record an assessment once it is done`,
    );
  const reviewDue = d.reviewDue && new Date(d.reviewDue).toISOString();
  if (reviewDue && reviewDue < assessedAt)
    throw new EvidenceFormatError(
      'dpia',
      'reviewDue',
      `${d.reviewDue} is before assessedAt; give the date of the next review`,
    );
  return {
    headline: `DPIA ${assessedAt.slice(0, 10)} by ${d.assessor}: ${d.outcome}`,
    dpia: { ...d, assessedAt, ...(reviewDue ? { reviewDue } : {}) },
  };
}
