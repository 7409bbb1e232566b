import type {
  FeatureFlag,
  FlagHistoryEntry,
  FlagSegment,
} from '@gantry/plugin-gantry-common';

type Version = FeatureFlag | FlagSegment | null | undefined;

const short = (v: unknown) => {
  const text = v === undefined ? '—' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

function fieldsOf(v: Version): Record<string, unknown> {
  if (!v) return {};
  if ('definition' in v) {
    const { state, variants, defaultVariant, targeting } = v.definition;
    return {
      state,
      variants,
      defaultVariant,
      targeting,
      type: v.type,
      owner: v.owner,
      expiresAt: v.expiresAt,
      safeVariant: v.safeVariant,
      prerequisites: v.prerequisites,
    };
  }
  return { rule: v.rule, description: v.description };
}

/** What changed between two versions, one line per field: `state: "ENABLED" → "DISABLED"`. */
export function describeChange(before: Version, after: Version): string[] {
  if (!before && after) return ['created'];
  if (before && !after) return ['deleted'];
  const a = fieldsOf(before);
  const b = fieldsOf(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter(k => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map(k => `${k}: ${short(a[k])} → ${short(b[k])}`);
}

export function historyLines(e: FlagHistoryEntry): string[] {
  return 'before' in e || 'after' in e ? describeChange(e.before, e.after) : [];
}
