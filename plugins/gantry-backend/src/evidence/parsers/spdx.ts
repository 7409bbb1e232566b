import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

// The SPDX 2.3 JSON Schema (spdx/spdx-spec schemas/spdx-schema.json) is not published on
// the npm registry, the only registry this project installs from. These are the
// document-level fields it requires plus those Gantry reads; the rest pass through.
const spdx = z
  .object({
    spdxVersion: z.literal('SPDX-2.3', {
      errorMap: () => ({
        message: 'must be "SPDX-2.3"; Gantry reads SPDX 2.3 JSON documents',
      }),
    }),
    dataLicense: z.string().min(1),
    SPDXID: z.literal('SPDXRef-DOCUMENT', {
      errorMap: () => ({
        message: 'must be "SPDXRef-DOCUMENT" for the document itself',
      }),
    }),
    name: z.string().min(1),
    documentNamespace: z
      .string()
      .url({ message: 'must be a URI unique to this document' }),
    creationInfo: z.object({
      created: z.string().datetime({
        message: 'must be a UTC time such as 2026-01-01T00:00:00Z',
      }),
      creators: z
        .array(
          z.string().regex(/^(Person|Organization|Tool): /, {
            message:
              'each creator starts with "Person: ", "Organization: " or "Tool: "',
          }),
        )
        .min(1),
    }),
    packages: z
      .array(
        z.object({
          SPDXID: z.string().regex(/^SPDXRef-[A-Za-z0-9.-]+$/, {
            message:
              'must be "SPDXRef-" followed by letters, digits, "." or "-"',
          }),
          name: z.string().min(1),
          downloadLocation: z.string().min(1),
          versionInfo: z.string().optional(),
        }),
      )
      .optional(),
    relationships: z
      .array(
        z.object({
          spdxElementId: z.string(),
          relationshipType: z.string(),
          relatedSpdxElement: z.string(),
        }),
      )
      .optional(),
  })
  .passthrough();

export function parseSpdx(bytes: Buffer): EvidenceSummary {
  const r = spdx.safeParse(parseJson('spdx', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError('spdx', pathOf(issue.path), issue.message);
  }
  const components = r.data.packages?.length ?? 0;
  return {
    headline: `SPDX 2.3 SBOM: ${components} package${
      components === 1 ? '' : 's'
    }`,
    sbom: { format: 'SPDX', specVersion: '2.3', components },
  };
}
