import type { Entity } from '@backstage/catalog-model';
import {
  LAWFUL_BASES,
  PERSONAL_DATA_ANNOTATION,
  TRANSFER_SAFEGUARDS,
  type PersonalDataDeclaration,
} from '@gantry/plugin-gantry-common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../kernel/durations';

/** The EEA's member states (EU + Iceland, Liechtenstein, Norway), ISO 3166-1 alpha-2. */
const EEA = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(
    ' ',
  ),
);
export const insideEea = (region: string) =>
  region === 'EEA' || region === 'EU' || EEA.has(region);

const text = z.string().trim().min(1).max(200);
const texts = (what: string) =>
  z
    .array(text, { invalid_type_error: `must be a list of ${what}` })
    .min(1, `must name at least one of the ${what}`)
    .max(100);
const region = z
  .string()
  .regex(
    /^([A-Z]{2}|EEA)$/,
    'must be an ISO 3166-1 alpha-2 country code such as DE or US, or EEA',
  );

const declarationSchema = z
  .object({
    categories: texts('personal data categories (e.g. contact, payment)'),
    specialCategories: z.array(text).max(100).optional(),
    dataSubjects: z.array(text).max(100).optional(),
    purposes: texts('purposes of the processing'),
    lawfulBasis: z.enum(LAWFUL_BASES, {
      errorMap: () => ({
        message: `must be one of ${LAWFUL_BASES.join(
          ', ',
        )} (GDPR Art. 6(1)(a)-(f))`,
      }),
    }),
    retention: z
      .string({ invalid_type_error: 'must be a duration such as 30d or 2y' })
      .refine(
        r => (parseDuration(r) ?? 0) > 0,
        'must be a duration such as 30d, 26w or 2y',
      )
      .optional(),
    processors: z
      .array(
        z
          .object({
            name: text,
            purpose: text.optional(),
            region: region.optional(),
            subProcessors: z.array(text).max(100).optional(),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    transfers: z
      .array(
        z
          .object({
            region,
            safeguard: z
              .enum(TRANSFER_SAFEGUARDS, {
                errorMap: () => ({
                  message: `must be one of ${TRANSFER_SAFEGUARDS.join(', ')}`,
                }),
              })
              .optional(),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    encryptionInTransit: z
      .boolean({ invalid_type_error: 'must be true or false' })
      .optional(),
    encryptionAtRest: z
      .boolean({ invalid_type_error: 'must be true or false' })
      .optional(),
  })
  .strict()
  .superRefine((d, c) =>
    d.transfers.forEach((t, i) => {
      if (!insideEea(t.region) && !t.safeguard)
        c.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['transfers', i, 'safeguard'],
          message: `is required for ${
            t.region
          }, outside the EEA: one of ${TRANSFER_SAFEGUARDS.join(', ')}`,
        });
    }),
  );

export type DeclarationResult =
  | { status: 'none' }
  | { status: 'declared'; declaration: PersonalDataDeclaration }
  | { status: 'invalid'; reason: string };

const pathOf = (path: (string | number)[]) =>
  path.reduce<string>((s, p) => {
    if (typeof p === 'number') return `${s}[${p}]`;
    return s ? `${s}.${p}` : p;
  }, '');

const ALLOWED_FIELDS = Object.keys(declarationSchema.innerType().shape).join(
  ', ',
);

function messageOf(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `has unknown field(s) ${issue.keys.join(', ')}${
      issue.path.length ? '' : `; allowed: ${ALLOWED_FIELDS}`
    }`;
  return issue.message === 'Required' ? 'is required' : issue.message;
}

/**
 * What the entity's `gantry.dev/personal-data` annotation declares: absent or `none` for
 * no personal data, else a YAML/JSON mapping. A bad value is a reason naming the field.
 */
export function personalDataOf(entity: Entity): DeclarationResult {
  const raw = entity.metadata.annotations?.[PERSONAL_DATA_ANNOTATION];
  if (raw === undefined || /^\s*(none|false)?\s*$/i.test(raw))
    return { status: 'none' };
  return parsePersonalData(raw);
}

export function parsePersonalData(raw: string): DeclarationResult {
  let value: unknown;
  try {
    value = parseYaml(raw, { maxAliasCount: 10 });
  } catch (e) {
    return {
      status: 'invalid',
      reason: `${PERSONAL_DATA_ANNOTATION} is not valid YAML or JSON (${
        (e as Error).message.split('\n')[0]
      })`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      status: 'invalid',
      reason: `${PERSONAL_DATA_ANNOTATION} must be a mapping with categories, purposes, lawfulBasis, retention, processors, transfers, encryptionInTransit, encryptionAtRest (or "none")`,
    };
  const r = declarationSchema.safeParse(value);
  if (!r.success) {
    const reasons = r.error.issues.slice(0, 3).map(issue => {
      const field = pathOf(issue.path) || '(root)';
      return `${field} ${messageOf(issue)}`;
    });
    return {
      status: 'invalid',
      reason: `${PERSONAL_DATA_ANNOTATION}: ${reasons.join('; ')}`,
    };
  }
  return { status: 'declared', declaration: r.data };
}
