import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

/** Gantry's own free-form attestation: who reviewed the change, which ticket it belongs to. */
const attestation = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('pull-request-review'),
    url: z.string().url(),
    approvedBy: z
      .array(z.string().min(1))
      .min(1, { message: 'name at least one reviewer' }),
    author: z.string().min(1),
  }),
  z.object({
    type: z.literal('change-ticket'),
    ticket: z.string().min(1),
    url: z.string().url().optional(),
  }),
  z.object({
    type: z.literal('other'),
    description: z.string().min(1),
    by: z.array(z.string()).optional(),
    url: z.string().url().optional(),
  }),
]);

export function parseAttestation(bytes: Buffer): EvidenceSummary {
  const r = attestation.safeParse(parseJson('attestation', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    const hint =
      issue.code === 'invalid_union_discriminator'
        ? 'must be one of "pull-request-review", "change-ticket", "other"'
        : issue.message;
    throw new EvidenceFormatError('attestation', pathOf(issue.path), hint);
  }
  const a = r.data;
  switch (a.type) {
    case 'pull-request-review':
      if (a.approvedBy.includes(a.author)) {
        throw new EvidenceFormatError(
          'attestation',
          'approvedBy',
          `includes the author ${a.author}; a pull request review must come from someone else`,
        );
      }
      return {
        headline: `Pull request approved by ${a.approvedBy.join(', ')}`,
        attestation: { type: a.type, by: a.approvedBy, url: a.url },
      };
    case 'change-ticket':
      return {
        headline: `Change ticket ${a.ticket}`,
        attestation: { type: a.type, ticket: a.ticket, url: a.url },
      };
    default:
      return {
        headline: a.description,
        attestation: { type: a.type, by: a.by, url: a.url },
      };
  }
}
