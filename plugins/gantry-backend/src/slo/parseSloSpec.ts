import { parseAllDocuments } from 'yaml';
import type { SloDefinition } from './model';
import { parseOpenSloDocs, type OpenSloDoc } from './openSloSpec';
import { parseSlothSpec } from './slothSpec';
import { SloSpecError } from './SloSpecError';
import { describe, isObject, SpecProblems } from './specChecks';

const MAX_SPEC_BYTES = 512 * 1024;

/**
 * Parses an SLO spec file: one Sloth `prometheus/v1` document, or OpenSLO v1
 * documents (SLO, SLI, AlertPolicy, AlertCondition; other kinds are ignored).
 * Throws SloSpecError listing every problem, each naming file, SLO and field.
 */
export function parseSloSpec(text: string, file: string): SloDefinition[] {
  const p = new SpecProblems(file);
  if (text.length > MAX_SPEC_BYTES) {
    throw new SloSpecError([
      `${file}: is ${text.length} bytes; SLO specs may be at most ${MAX_SPEC_BYTES}`,
    ]);
  }
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const parsed: unknown[] = [];
  for (const [i, d] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (d.errors.length) {
      throw new SloSpecError(
        d.errors.map(
          e => `${file}: document ${i + 1} is not valid YAML: ${e.message}`,
        ),
      );
    }
    let value: unknown;
    try {
      value = d.toJS();
    } catch (e) {
      // e.g. an alias to an anchor that does not exist: not a parse error, a ReferenceError here
      throw new SloSpecError([
        `${file}: document ${i + 1} is not valid YAML: ${(e as Error).message}`,
      ]);
    }
    if (value !== null && value !== undefined) parsed.push(value);
  }
  if (parsed.length === 0) {
    throw new SloSpecError([
      `${file}: is empty; expected a Sloth prometheus/v1 or OpenSLO v1 spec`,
    ]);
  }

  const slos: SloDefinition[] = [];
  const openslo: OpenSloDoc[] = [];
  parsed.forEach((doc, i) => {
    const where = parsed.length > 1 ? `document ${i + 1}: ` : '';
    if (!isObject(doc)) {
      p.add(undefined, `${where}(root)`, `must be a map, got ${describe(doc)}`);
    } else if (doc.version === 'prometheus/v1') {
      slos.push(...parseSlothSpec(doc, p));
    } else if (doc.apiVersion === 'openslo/v1') {
      const meta = isObject(doc.metadata) ? doc.metadata : {};
      openslo.push({
        // String() throws on a map like {toString: []}; such a kind matches nothing anyway.
        kind: typeof doc.kind === 'string' ? doc.kind : describe(doc.kind),
        name: typeof meta.name === 'string' ? meta.name : undefined,
        doc,
      });
    } else if (
      typeof doc.apiVersion === 'string' &&
      doc.apiVersion.startsWith('openslo/')
    ) {
      p.add(
        undefined,
        `${where}apiVersion`,
        `${doc.apiVersion} is not supported; convert it to openslo/v1`,
      );
    } else {
      p.add(
        undefined,
        `${where}version`,
        `unknown spec format (version ${describe(
          doc.version,
        )}, apiVersion ${describe(
          doc.apiVersion,
        )}); use version: prometheus/v1 (Sloth) or apiVersion: openslo/v1`,
      );
    }
  });
  if (openslo.length) slos.push(...parseOpenSloDocs(openslo, p));

  const ids = new Set<string>();
  for (const s of slos) {
    if (ids.has(s.id))
      p.add(
        s.name,
        'name',
        `another SLO of service ${s.service} has the same name`,
      );
    ids.add(s.id);
  }
  if (p.list.length) throw new SloSpecError(p.list);
  return slos;
}
