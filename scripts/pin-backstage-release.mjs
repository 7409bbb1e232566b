#!/usr/bin/env node
// Pins every @backstage/* package (direct and transitive) to one Backstage release.
//
// Why by hand: `backstage-cli versions:bump --release X` reads the release manifest from
// versions.backstage.io, which this workplace cannot reach. The manifest is rebuilt from
// the npm registry alone:
//   1. @backstage/create-app of that release carries the exact versions of the ~70
//      packages a new app uses (its dist/lib/versions); those are taken as they are.
//   2. Backstage's release tooling raises every internal dependency range to the version
//      being released, so for any other package the highest lower bound that a pinned
//      package declares for it is its version in the release.
//   3. A package nothing pinned depends on (test utilities) gets its newest version whose
//      own @backstage dependencies do not ask for more than the release has.
// Publish times on the registry are not used: they are not reliable enough.
//
// Usage: node scripts/pin-backstage-release.mjs [--lock]
//   --lock also pins the transitive @backstage/* packages found in yarn.lock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);
const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const release = JSON.parse(
  fs.readFileSync(path.join(root, 'backstage.json'), 'utf8'),
);

async function npmJson(args) {
  const { stdout } = await run('npm', ['view', ...args, '--json'], {
    maxBuffer: 64 << 20,
  });
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}
const cmp = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};
const lowerBound = range => /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range)?.[1];

async function createAppAnchors() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'create-app-'));
  const spec = `@backstage/create-app@${release.createAppVersion}`;
  const { stdout } = await run('npm', ['pack', spec, '--silent'], { cwd: tmp });
  await run('tar', ['xzf', stdout.trim()], { cwd: tmp });
  const dist = path.join(tmp, 'package', 'dist');
  const read = f =>
    /var version = "([^"]+)"/.exec(fs.readFileSync(f, 'utf8'))[1];
  const rel = read(path.join(dist, 'package.json.cjs.js'));
  if (rel !== release.version)
    throw new Error(`${spec} is release ${rel}, not ${release.version}`);
  // dist/lib/versions maps package names to the files that hold their versions.
  const versionsJs = fs.readFileSync(
    path.join(dist, 'lib', 'versions.cjs.js'),
    'utf8',
  );
  const files = Object.fromEntries(
    [...versionsJs.matchAll(/var (\S+) = require\('\.\.\/(.+?)'\);/g)].map(
      m => [m[1], m[2]],
    ),
  );
  const anchors = {};
  for (const m of versionsJs.matchAll(
    /"(@backstage\/[^"]+)": (\S+)\.version/g,
  )) {
    anchors[m[1]] = read(path.join(dist, files[m[2]]));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return anchors;
}

const manifests = ['package.json'];
for (const dir of ['packages', 'plugins']) {
  for (const d of fs.readdirSync(path.join(root, dir))) {
    if (fs.existsSync(path.join(root, dir, d, 'package.json')))
      manifests.push(`${dir}/${d}/package.json`);
  }
}
const wanted = new Set();
for (const m of manifests) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, m), 'utf8'));
  for (const f of ['dependencies', 'devDependencies']) {
    for (const n of Object.keys(pkg[f] ?? {}))
      if (n.startsWith('@backstage/')) wanted.add(n);
  }
}
if (process.argv.includes('--lock')) {
  const lock = fs.readFileSync(path.join(root, 'yarn.lock'), 'utf8');
  for (const m of lock.matchAll(/^"?(@backstage\/[^@"]+)@/gm)) wanted.add(m[1]);
}

const pinned = await createAppAnchors();
const depsCache = new Map();
const depsOf = async (n, v) => {
  const k = `${n}@${v}`;
  if (!depsCache.has(k))
    depsCache.set(
      k,
      npmJson([k, 'dependencies']).then(d => d ?? {}),
    );
  return depsCache.get(k);
};

// Fixed point over the dependency graph of everything pinned so far.
for (let changed = true; changed; ) {
  changed = false;
  const bounds = {};
  const entries = Object.entries(pinned);
  const all = await Promise.all(entries.map(([n, v]) => depsOf(n, v)));
  for (const deps of all) {
    for (const [d, r] of Object.entries(deps)) {
      const lb = d.startsWith('@backstage/') && lowerBound(r);
      if (lb && (!bounds[d] || cmp(lb, bounds[d]) > 0)) bounds[d] = lb;
    }
  }
  for (const [d, v] of Object.entries(bounds)) {
    if (!pinned[d]) {
      pinned[d] = v;
      changed = true;
    } else if (cmp(v, pinned[d]) > 0) {
      throw new Error(
        `release data disagree on ${d}: ${pinned[d]} vs a dependent asking ^${v}`,
      );
    }
  }
}

for (const n of wanted) {
  if (pinned[n]) continue;
  const versions = (await npmJson([n, 'versions']))
    .filter(v => !v.includes('-'))
    .sort(cmp)
    .reverse();
  for (const v of versions) {
    const deps = await depsOf(n, v);
    const fits = Object.entries(deps).every(([d, r]) => {
      const lb = d.startsWith('@backstage/') && lowerBound(r);
      return !lb || !pinned[d] || cmp(lb, pinned[d]) <= 0;
    });
    if (fits) {
      pinned[n] = v;
      break;
    }
  }
  if (!pinned[n])
    throw new Error(`no version of ${n} fits release ${release.version}`);
}

for (const n of [...wanted].sort()) process.stdout.write(`${n}@${pinned[n]}\n`);
for (const m of manifests) {
  const file = path.join(root, m);
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const f of ['dependencies', 'devDependencies']) {
    for (const n of Object.keys(pkg[f] ?? {}))
      if (n.startsWith('@backstage/')) pkg[f][n] = pinned[n];
  }
  if (m === 'package.json') {
    const res = Object.fromEntries(
      Object.entries(pkg.resolutions ?? {}).filter(
        ([k]) => !k.startsWith('@backstage/'),
      ),
    );
    for (const n of [...wanted].sort()) res[n] = pinned[n];
    pkg.resolutions = res;
  }
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
