#!/usr/bin/env node
// Prints the given workspace folders and every workspace they depend on at runtime
// (`dependencies` with the workspace: protocol), dependencies first, one per line.
//
// Usage (from the repo root): node workspace-closure.mjs plugins/gantry plugins/...
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const workspaces = new Map(
  execFileSync('yarn', ['workspaces', 'list', '--json'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(line => JSON.parse(line))
    .map(w => [w.name, w.location]),
);
const order = [];
const visit = location => {
  if (order.includes(location)) return;
  const manifest = JSON.parse(
    fs.readFileSync(path.join(location, 'package.json'), 'utf8'),
  );
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!range.startsWith('workspace:')) continue;
    const dep = workspaces.get(name);
    if (!dep) throw new Error(`${manifest.name}: no workspace named ${name}`);
    visit(dep);
  }
  order.push(location);
};
for (const location of process.argv.slice(2)) visit(location);
console.log(order.join('\n'));
