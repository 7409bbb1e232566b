import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FlagdFlag } from '@gantry/plugin-gantry-common';
import {
  applyPrerequisites,
  type FlagWithPrerequisites,
} from './prerequisites';

/** A whole flag set as flagd reads it (flags.json): what OFREP evaluates and the sync source serves. */
export interface FlagSetDocument {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  $evaluators?: Record<string, Record<string, unknown>>;
  metadata?: Record<string, string | number | boolean>;
}

const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';

/**
 * What a killed flag serves: its safe variant to everyone, without targeting. Only the
 * served document changes; the stored definition stays as authored for the restore.
 */
export function killedDefinition(f: FlagWithPrerequisites): FlagdFlag {
  const { targeting: _dropped, ...rest } = f.definition;
  return {
    ...rest,
    state: 'ENABLED',
    defaultVariant: f.safeVariant ?? f.definition.defaultVariant ?? null,
  };
}

/** `component:default/checkout` + `production` -> the id flag sets, caches and SSE streams use. */
export function flagSetId(entityRef: string, environment: string): string {
  return `${entityRef}#${environment}`;
}

/**
 * The flag set as flagd serves it. Flags given with prerequisites get them compiled into
 * their targeting (see prerequisites.ts); leave them out to get the set as authored.
 */
export function buildFlagSet(input: {
  entityRef: string;
  environment: string;
  flags: FlagWithPrerequisites[];
  segments: Array<{ name: string; rule: Record<string, unknown> }>;
}): FlagSetDocument {
  const flags = input.flags.map(f =>
    f.killed ? { ...f, definition: killedDefinition(f) } : f,
  );
  const served = flags.some(f => f.prerequisites?.length)
    ? applyPrerequisites(
        flags,
        Object.fromEntries(input.segments.map(s => [s.name, s.rule])),
      )
    : undefined;
  const doc: FlagSetDocument = {
    $schema: FLAGD_SCHEMA_URL,
    flags: Object.fromEntries(
      [...flags]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map(f => [f.key, served?.get(f.key) ?? f.definition]),
    ),
    metadata: { flagSetId: flagSetId(input.entityRef, input.environment) },
  };
  if (input.segments.length) {
    doc.$evaluators = Object.fromEntries(
      input.segments.map(s => [s.name, s.rule]),
    );
  }
  return doc;
}

/**
 * Content hash of a flag set, so every replica computes the same ETag for the same
 * flags without coordinating.
 */
export function flagSetEtag(doc: FlagSetDocument): string {
  return `"${createHash('sha256')
    .update(canonicalize(doc) ?? '')
    .digest('base64url')
    .slice(0, 27)}"`;
}
