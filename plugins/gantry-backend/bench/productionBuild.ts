/* eslint-disable no-console */
// The benches measure the code as it ships, not the TypeScript sources: modules are
// loaded from a build of this package (`backstage-cli package build` output, one
// .cjs.js per source module), with that build's own dependencies.
//
// Which build, in this order:
//   BENCH_BUILD=DIR  a production build made by scripts/image/build-image.sh all DIR (the
//                    image's contents, production install); its plugins/gantry-backend/dist
//   $TMPDIR/gantry-bench-build, when it holds one (what `yarn bench:tab-ready` builds)
//   this package's dist/, built with `backstage-cli package build` when it is missing or
//   older than a source file
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const pkg = path.resolve(__dirname, '..');

/** The newest mtime of the files ending in `ext` under `dir`, tests left out. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext) && !/\.test\.tsx?$/.test(e.name))
      t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function locate(): { dist: string; label: string } {
  const image = (
    process.env.BENCH_BUILD
      ? [process.env.BENCH_BUILD]
      : [path.join(os.tmpdir(), 'gantry-bench-build')]
  ).find(d => fs.existsSync(path.join(d, 'plugins/gantry-backend/dist')));
  if (process.env.BENCH_BUILD && !image)
    throw new Error(
      `BENCH_BUILD=${process.env.BENCH_BUILD} holds no plugins/gantry-backend/dist: make it with scripts/image/build-image.sh all DIR`,
    );
  if (image) {
    const dist = path.join(image, 'plugins/gantry-backend/dist');
    return { dist, label: `production build ${image} (image contents)` };
  }
  const dist = path.join(pkg, 'dist');
  const src = newest(path.join(pkg, 'src'), '.ts');
  if (!fs.existsSync(dist) || newest(dist, '.cjs.js') < src) {
    console.log('building the package (backstage-cli package build) ...');
    execFileSync('yarn', ['backstage-cli', 'package', 'build'], {
      cwd: pkg,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return { dist, label: 'package build plugins/gantry-backend/dist' };
}

const { dist, label } = locate();
const builtAt = new Date(newest(dist, '.cjs.js')).toISOString();
const stale = newest(path.join(pkg, 'src'), '.ts') > newest(dist, '.cjs.js');

/** Says which build the bench measures; call it once before the figures. */
export function describeBuild(): string {
  return `measured build: ${label}, built ${builtAt}${
    stale ? ' (OLDER than the sources: rebuild it to measure them)' : ''
  }`;
}

/**
 * A module of the built package, typed as its source: `built<typeof import('../src/x')>('x')`.
 */
export function built<T>(modulePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dist, `${modulePath}.cjs.js`));
}
