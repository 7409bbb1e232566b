import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The service the overlay tests generate for. */
export const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout',
  tag: '1.4.2',
  gitopsRepoUrl: 'https://github.com/acme/gitops',
};

/** Writes generated files into a fresh temporary folder and returns it. */
export function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-overlays-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** `kubectl kustomize` (Debian's kubectl) renders the overlay as Argo CD would. */
export function build(dir: string, overlay: string): any[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(dir, overlay)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map(d => d.toJS());
}

/** The first object of a kind (and name, when given). */
export const find = (objs: any[], kind: string, name?: string) =>
  objs.find(o => o.kind === kind && (!name || o.metadata.name === name));
