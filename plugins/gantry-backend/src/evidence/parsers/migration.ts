import { z } from 'zod';
import type {
  EvidenceSummary,
  MigrationFinding,
} from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

/**
 * squawk rules whose change the previous release, still serving during a canary or
 * blue-green release, cannot live with: what it reads disappears or changes type, or
 * what it writes is refused.
 */
export const BACKWARD_INCOMPATIBLE_RULES: ReadonlySet<string> = new Set([
  'ban-drop-column',
  'ban-drop-table',
  'ban-drop-database',
  'renaming-column',
  'renaming-table',
  'changing-column-type',
  'adding-required-field',
  'adding-not-nullable-field',
]);

// One entry of `squawk --reporter json` (an array of these; squawk 1.x and 2.x).
// Lines and columns are 0-based.
const squawkViolation = z.object({
  file: z.string().min(1),
  line: z.number().int().min(0),
  column: z.number().int().min(0).optional(),
  level: z.string().min(1),
  message: z.string(),
  help: z.string().nullable().optional(),
  rule_name: z.string().min(1),
});

const file = z.string().min(1).max(500);
const migration = z
  .object({
    file,
    /** expand (default): additive; contract: the destructive half of an earlier expand. */
    phase: z.enum(['expand', 'contract']).default('expand'),
    /** For a contract step: the release whose expand step this completes. */
    expandedIn: z.string().min(1).max(128).optional(),
    rollback: z.union(
      [
        z.object({ down: file }).strict(),
        z
          .object({
            forwardOnly: z
              .string()
              .trim()
              .min(10, {
                message:
                  'say in at least 10 characters why this step cannot be undone',
              })
              .max(1000),
          })
          .strict(),
      ],
      {
        errorMap: () => ({
          message:
            'give {"down": "<file of the down migration>"} or {"forwardOnly": "<why this step cannot be undone, at least 10 characters>"}',
        }),
      },
    ),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.phase === 'contract' && !m.expandedIn)
      ctx.addIssue({
        code: 'custom',
        path: ['expandedIn'],
        message:
          'a contract step names the earlier release whose expand step it completes',
      });
  });

const report = z
  .object({
    linter: z.literal('squawk').default('squawk'),
    tool: z.string().max(64).optional(),
    migrations: z.array(migration).max(1000),
    squawk: z.array(squawkViolation).max(100_000),
  })
  .strict();

/**
 * Gantry's migration report: the release's migration files with their phase and
 * rollback plan, plus squawk's JSON output on those files (`squawk --reporter json`).
 */
export function parseMigration(bytes: Buffer): EvidenceSummary {
  const r = report.safeParse(parseJson('migration', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'migration',
      pathOf(issue.path),
      `${issue.message}; upload {"migrations": [{"file", "phase", "rollback"}], "squawk": <squawk --reporter json output>}`,
    );
  }
  const { migrations, squawk } = r.data;
  const byFile = new Map(migrations.map(m => [m.file, m]));
  if (byFile.size !== migrations.length) {
    const dup = migrations.find(
      (m, i) => migrations.findIndex(o => o.file === m.file) !== i,
    )!;
    throw new EvidenceFormatError(
      'migration',
      'migrations',
      `${dup.file} is listed twice; list each migration file once`,
    );
  }
  const unlisted = squawk.findIndex(v => !byFile.has(v.file));
  if (unlisted >= 0) {
    throw new EvidenceFormatError(
      'migration',
      `squawk[${unlisted}].file`,
      `squawk linted ${squawk[unlisted].file}, which migrations does not list; run squawk on exactly the listed files, with the same paths`,
    );
  }

  const findings: MigrationFinding[] = squawk.map(v => ({
    file: v.file,
    line: v.line + 1,
    rule: v.rule_name,
    level: v.level,
    message: v.message,
  }));
  const incompatible = (f: MigrationFinding) =>
    BACKWARD_INCOMPATIBLE_RULES.has(f.rule);
  const breaking = findings.filter(
    f => incompatible(f) && byFile.get(f.file)!.phase === 'expand',
  );
  const contractSteps = migrations
    .filter(m => m.phase === 'contract')
    .map(m => ({
      file: m.file,
      expandedIn: m.expandedIn!,
      findings: findings.filter(f => f.file === m.file && incompatible(f))
        .length,
    }));
  const forwardOnly = migrations.flatMap(m =>
    'forwardOnly' in m.rollback
      ? [{ file: m.file, reason: m.rollback.forwardOnly }]
      : [],
  );
  const errors = findings.filter(f => f.level.toLowerCase() === 'error').length;
  const listed = [...breaking, ...findings.filter(f => !breaking.includes(f))];
  return {
    headline: `Migrations: ${migrations.length} file${
      migrations.length === 1 ? '' : 's'
    }, ${findings.length} squawk finding${findings.length === 1 ? '' : 's'}${
      breaking.length ? `, ${breaking.length} backward-incompatible` : ''
    }${
      contractSteps.length ? `, ${contractSteps.length} contract step(s)` : ''
    }${forwardOnly.length ? `, ${forwardOnly.length} forward-only` : ''}`,
    migrations: {
      linter: 'squawk',
      files: migrations.length,
      findings: {
        total: findings.length,
        errors,
        warnings: findings.length - errors,
      },
      breaking,
      contractSteps,
      rollback: {
        reversible: migrations.length - forwardOnly.length,
        forwardOnly,
      },
      listed: listed.slice(0, 50),
    },
  };
}
