import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import between two top-level folders of src/. */
export interface FolderEdge {
  from: string;
  to: string;
  /** Every import behind this edge is `import type` (erased at run time). */
  typeOnly: boolean;
  /** Where the edge comes from, for messages: file:line. */
  sites: string[];
}

const isSource = (p: string) =>
  /\.tsx?$/.test(p) &&
  !/\.test\.tsx?$/.test(p) &&
  !p.split(path.sep).some(s => s.startsWith('__'));

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('__')) sourceFiles(p, out);
    } else if (isSource(p)) out.push(p);
  }
  return out;
}

/** The folder a file belongs to: its first path segment under src/, or `(root)` for src/*.ts. */
export function folderOf(srcDir: string, file: string): string {
  const parts = path.relative(srcDir, file).split(path.sep);
  return parts.length === 1 ? '(root)' : parts[0];
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration) {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return Boolean(
    bindings &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every(e => e.isTypeOnly),
  );
}

/** The folder graph of src/, read with TypeScript's own parser (static imports and re-exports). */
export function folderGraph(srcDir: string): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  for (const file of sourceFiles(srcDir)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const stmt of sf.statements) {
      if (!ts.isImportDeclaration(stmt) && !ts.isExportDeclaration(stmt))
        continue;
      const spec = stmt.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.'))
        continue;
      const from = folderOf(srcDir, file);
      const to = folderOf(srcDir, path.resolve(path.dirname(file), spec.text));
      if (from === to) continue;
      const key = `${from}->${to}`;
      const edge = edges.get(key) ?? { from, to, typeOnly: true, sites: [] };
      edge.typeOnly &&= isTypeOnly(stmt);
      const line = sf.getLineAndCharacterOfPosition(stmt.getStart()).line + 1;
      edge.sites.push(`${path.relative(srcDir, file)}:${line}`);
      edges.set(key, edge);
    }
  }
  return [...edges.values()].sort((a, b) =>
    `${a.from}->${a.to}`.localeCompare(`${b.from}->${b.to}`),
  );
}

/** A cycle between folders, as the path a -> b -> … -> a, or undefined when the graph is acyclic. */
export function findCycle(
  edges: Array<Pick<FolderEdge, 'from' | 'to'>>,
): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting')
      return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...next.keys()].sort()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

export const SHARED_FOLDERS = ['kernel', 'providers'];

/**
 * The rules of the backend's shape; each broken rule is one sentence naming the edge and
 * where it comes from.
 * - no cycle between folders;
 * - providers are leaves: they import no other folder;
 * - the kernel imports only providers (never a domain, never the composition root);
 * - nothing imports the composition root (plugin.ts, index.ts);
 * - a domain uses another domain only through types (`import type`), and only along
 *   the edges in `allowedDomainEdges`: runtime code two domains share belongs in kernel/.
 */
export function checkFolderRules(
  edges: FolderEdge[],
  allowedDomainEdges: string[],
): string[] {
  const problems: string[] = [];
  const cycle = findCycle(edges);
  if (cycle) problems.push(`Folder cycle: ${cycle.join(' -> ')}`);
  const where = (e: FolderEdge) => e.sites.slice(0, 3).join(', ');
  for (const e of edges) {
    const domainFrom = ![...SHARED_FOLDERS, '(root)'].includes(e.from);
    const domainTo = ![...SHARED_FOLDERS, '(root)'].includes(e.to);
    if (e.from === 'providers')
      problems.push(
        `providers/ must be a leaf but imports ${e.to}/ (${where(e)})`,
      );
    else if (e.from === 'kernel' && e.to !== 'providers')
      problems.push(
        `kernel/ may import only providers/ but imports ${e.to}/ (${where(e)})`,
      );
    else if (e.to === '(root)')
      problems.push(
        `${e.from}/ imports the composition root (${where(
          e,
        )}); what it needs belongs in kernel/`,
      );
    else if (domainFrom && domainTo) {
      if (!e.typeOnly)
        problems.push(
          `${e.from}/ imports code (not only types) from ${e.to}/ (${where(
            e,
          )}); move the shared code to kernel/`,
        );
      if (!allowedDomainEdges.includes(`${e.from} -> ${e.to}`))
        problems.push(
          `${e.from}/ -> ${e.to}/ is not an allowed domain dependency (${where(
            e,
          )}); declare a port interface in ${
            e.from
          }/ that plugin.ts satisfies, or add the edge to the list on purpose`,
        );
    }
  }
  return problems;
}
