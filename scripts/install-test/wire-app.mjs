#!/usr/bin/env node
// Makes the edits an adopter makes to a fresh `@backstage/create-app` app to add Gantry
// (the README's "Install into your Backstage" lists the same ones):
//   - packages/app depends on @gantry/plugin-gantry (found by `app.packages: all`),
//   - packages/backend depends on the backend plugin and the scaffolder module and adds
//     each with one `backend.add(import(...))`,
//   - an annotated entity in the app's catalog and a config file for this test.
// Until the packages are on npm they come from the packed tarballs, so the root
// `resolutions` map every @gantry/* name to its tarball (their own dependencies on each
// other included), and pin @backstage/* to the release this repo is on.
//
// Usage: node wire-app.mjs <appDir> <packagesDir> <backstageRootPackageJson>
import fs from 'node:fs';
import path from 'node:path';

const [appDir, packagesDir, rootPackageJson] = process.argv.slice(2);
if (!appDir || !packagesDir || !rootPackageJson) {
  console.error(
    'usage: wire-app.mjs <appDir> <packagesDir> <root package.json>',
  );
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const readJson = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, v) =>
  fs.writeFileSync(f, `${JSON.stringify(v, null, 2)}\n`);

// name -> { version, tarball }, from the manifest run.sh wrote while packing
const packed = readJson(path.join(packagesDir, 'manifest.json'));
// what an adopter writes once the packages are published: a caret range
const dep = name => {
  if (!packed[name]) throw new Error(`no packed tarball for ${name}`);
  return `^${packed[name].version}`;
};

// 1. root: pin the Backstage release and point @gantry/* at the tarballs
const rootPkgPath = path.join(appDir, 'package.json');
const rootPkg = readJson(rootPkgPath);
const pins = {};
for (const [name, version] of Object.entries(
  readJson(rootPackageJson).resolutions ?? {},
)) {
  if (name.startsWith('@backstage/')) pins[name] = version;
}
// create-app writes ^<version of the release> for what it adds; pin those too
for (const ws of ['.', 'packages/app', 'packages/backend']) {
  const pkg = readJson(path.join(appDir, ws, 'package.json'));
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (name.startsWith('@backstage/') && !pins[name]) {
        pins[name] = range.replace(/^\^/, '');
      }
    }
  }
}
const gantryResolutions = Object.fromEntries(
  Object.entries(packed).map(([name, { tarball }]) => [
    name,
    `file:${path.relative(appDir, tarball)}`,
  ]),
);
rootPkg.resolutions = {
  ...rootPkg.resolutions,
  ...pins,
  ...gantryResolutions,
};
writeJson(rootPkgPath, rootPkg);

// 2. frontend: a dependency is all the new frontend system needs
const appPkgPath = path.join(appDir, 'packages/app/package.json');
const appPkg = readJson(appPkgPath);
appPkg.dependencies['@gantry/plugin-gantry'] = dep('@gantry/plugin-gantry');
writeJson(appPkgPath, appPkg);

// 3. backend: dependency + one backend.add each
const backendPkgPath = path.join(appDir, 'packages/backend/package.json');
const backendPkg = readJson(backendPkgPath);
for (const name of [
  '@gantry/plugin-gantry-backend',
  '@gantry/plugin-scaffolder-backend-module-gantry',
]) {
  backendPkg.dependencies[name] = dep(name);
}
writeJson(backendPkgPath, backendPkg);

const indexPath = path.join(appDir, 'packages/backend/src/index.ts');
const index = fs.readFileSync(indexPath, 'utf8');
const anchor = 'backend.start();';
if (!index.includes(anchor)) {
  throw new Error(`${indexPath} has no "${anchor}" line to add Gantry before`);
}
fs.writeFileSync(
  indexPath,
  index.replace(
    anchor,
    [
      '// Gantry',
      "backend.add(import('@gantry/plugin-gantry-backend'));",
      "backend.add(import('@gantry/plugin-scaffolder-backend-module-gantry'));",
      '',
      anchor,
    ].join('\n'),
  ),
);

// 4. an annotated entity and this test's config
// appended to create-app's example entities: a second catalog location in another
// config file would replace create-app's list (config arrays do not merge)
fs.appendFileSync(
  path.join(appDir, 'examples/entities.yaml'),
  `---\n${fs.readFileSync(
    path.join(here, 'fixtures/gantry-entities.yaml'),
    'utf8',
  )}`,
);
fs.copyFileSync(
  path.join(here, 'fixtures/app-config.gantry.yaml'),
  path.join(appDir, 'app-config.gantry.yaml'),
);
console.log(
  `wired ${Object.keys(packed).length} @gantry packages into ${appDir}`,
);
