import fc from 'fast-check';
import './seed';

type Json = unknown;
type Path = Array<string | number>;

/** Values that tend to break parsers: wrong types, extremes, prototype keys, huge strings. */
const EDGE_VALUES: Json[] = [
  null,
  '',
  0,
  -1,
  1.5,
  1e21,
  -1e308,
  true,
  [],
  {},
  [null],
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  'not a date',
  '__proto__',
  'constructor',
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { toString: 'x', valueOf: 1 },
];

function pathsOf(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (value && typeof value === 'object' && out.length < 2000) {
    for (const [k, v] of Object.entries(value)) {
      pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k], out);
    }
  }
  return out;
}

interface Mutation {
  at: number;
  kind: 'replace' | 'edge' | 'delete' | 'wrap' | 'add';
  value: Json;
  edge: number;
  key: string;
}

function apply(doc: Json, m: Mutation): Json {
  const paths = pathsOf(doc);
  const path = paths[m.at % paths.length];
  const next =
    m.kind === 'edge'
      ? structuredClone(EDGE_VALUES[m.edge % EDGE_VALUES.length])
      : m.value;
  if (path.length === 0) {
    if (m.kind === 'wrap') return [doc];
    return m.kind === 'delete' ? undefined : next;
  }
  let parent: any = doc;
  for (const p of path.slice(0, -1)) parent = parent[p];
  const last = path[path.length - 1];
  const target = parent[last];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'wrap':
      parent[last] = [target];
      break;
    case 'add':
      if (target && typeof target === 'object' && !Array.isArray(target))
        target[m.key] = m.value;
      else parent[last] = next;
      break;
    default:
      parent[last] = next;
  }
  return doc;
}

/** One to four structural mutations of a valid JSON document (replace, delete, wrap, add). */
export function mutationOf(valid: Json): fc.Arbitrary<Json> {
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace', 'edge', 'edge', 'delete', 'wrap', 'add'),
    value: fc.jsonValue({ maxDepth: 2 }),
    edge: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__')),
  });
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map(ms => ms.reduce((doc, m) => apply(doc, m), structuredClone(valid)));
}

/** Character-level damage to a text: insertions, deletions, truncation. */
export function textMutationOf(text: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 40 }),
    insert: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        '<',
        '>',
        '"',
        '{',
        '}',
        '[',
        ']',
        ':',
        '\n',
        '&',
        '\u0000',
      ),
    ),
  });
  return fc.array(edit, { minLength: 1, maxLength: 5 }).map(edits =>
    edits.reduce((t, e) => {
      const at = t.length ? e.at % t.length : 0;
      return t.slice(0, at) + e.insert + t.slice(at + e.cut);
    }, text),
  );
}

/** Anything JSON can carry, including mutations of the given valid documents. */
export function jsonInputOf(valid: Json[]): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...valid.map(mutationOf)) },
    { weight: 2, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...valid) },
  );
}

/** Raw request bodies: serialized JSON inputs, damaged JSON text, arbitrary strings and bytes. */
export function bodyBytesOf(valid: Json[]): fc.Arbitrary<Buffer> {
  const texts = valid.map(v => JSON.stringify(v));
  return fc.oneof(
    {
      weight: 6,
      arbitrary: jsonInputOf(valid).map(v =>
        Buffer.from(JSON.stringify(v) ?? ''),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(...texts.map(textMutationOf))
        .map(t => Buffer.from(t)),
    },
    { weight: 1, arbitrary: fc.string().map(s => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array().map(b => Buffer.from(b)) },
  );
}

/**
 * bodyBytesOf as text, for JSON routes: supertest would serialize a Buffer sent as
 * application/json into {"type":"Buffer",...} instead of sending its bytes.
 */
export function bodyTextOf(valid: Json[]): fc.Arbitrary<string> {
  return bodyBytesOf(valid).map(b => b.toString('utf8'));
}
