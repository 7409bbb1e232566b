#!/usr/bin/env node
// Runs every `bench:*` script of the root package.json, one after another, and writes
// one report: bench-results/report.json (each benchmark's JSON line) and
// bench-results/report.md (its summary lines, figures and peer ratios).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const pkg = JSON.parse(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
);
const only = process.argv.slice(2);
const names = Object.keys(pkg.scripts)
  .filter(n => n.startsWith('bench:'))
  .filter(n => only.length === 0 || only.some(o => n.includes(o)));

const out = path.join(root, 'bench-results');
const reportPath = path.join(out, 'report.json');
// `yarn bench deployments` re-runs one benchmark and keeps the others' last figures
const previous = fs.existsSync(reportPath)
  ? JSON.parse(fs.readFileSync(reportPath, 'utf8')).results ?? []
  : [];
const results = [];
for (const name of names) {
  console.log(`==> yarn ${name}`);
  const t0 = Date.now();
  const run = spawnSync('yarn', [name], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(run.stdout ?? '');
  const lines = (run.stdout ?? '').trim().split('\n');
  const jsonLine = [...lines].reverse().find(l => l.trim().startsWith('{'));
  results.push({
    script: name,
    ok: run.status === 0,
    seconds: Math.round((Date.now() - t0) / 1000),
    // the benchmark's own lines, not the portal start-up notices before them
    summary: lines
      .filter(l => l.trim() && !l.trim().startsWith('{'))
      .filter(l => !/^no portal|^unleash: database/.test(l))
      .slice(-4),
    result: jsonLine ? JSON.parse(jsonLine) : null,
    date: new Date().toISOString(),
  });
}
for (const p of previous)
  if (!results.some(r => r.script === p.script)) results.push(p);
results.sort((x, y) => x.script.localeCompare(y.script));

const machine = `${os.cpus().length} cores, ${Math.round(
  os.totalmem() / 2 ** 30,
)} GiB, Node ${process.version}`;
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  reportPath,
  `${JSON.stringify(
    { date: new Date().toISOString(), machine, results },
    null,
    2,
  )}\n`,
);
const md = [
  '# Gantry benchmarks',
  '',
  `Run ${new Date().toISOString()} on ${machine} with \`yarn bench\`.`,
  '',
  '| Benchmark | Result | Took | Measured |',
  '| --- | --- | --- | --- |',
  ...results.map(
    r =>
      `| \`yarn ${r.script}\` | ${
        r.ok ? r.summary.join('<br>') : '**failed**'
      } | ${r.seconds} s | ${r.date ?? ''} |`,
  ),
  '',
  'Raw figures: [report.json](report.json).',
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'report.md'), md);
console.log(
  `\nwrote bench-results/report.md and report.json (${results.length} benchmarks)`,
);
process.exit(
  results.filter(r => names.includes(r.script)).every(r => r.ok) ? 0 : 1,
);
