import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file as the scaffolder's dry-run API takes and returns it. */
export type DryRunFile = { path: string; base64Content: string };

/** A template folder as the dry-run API takes it: every file, base64. */
export function directoryContents(dir: string): DryRunFile[] {
  const out: DryRunFile[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else
        out.push({
          path: r,
          base64Content: fs.readFileSync(path.join(dir, r)).toString('base64'),
        });
    }
  };
  walk('');
  return out;
}

/** Writes a dry run's files into a fresh temporary folder and returns it. */
export function writeOut(contents: DryRunFile[], prefix = 'gantry-dry-run-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of contents) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(
      path.join(dir, f.path),
      Buffer.from(f.base64Content, 'base64'),
    );
  }
  return dir;
}
