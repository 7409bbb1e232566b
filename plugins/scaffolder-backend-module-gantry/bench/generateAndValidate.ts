/* eslint-disable no-console */
// Benchmark (not a test): time to generate one service's GitOps tree and validate it,
// both with kustomize builds (kubectl) and on the files as they stand; either way includes
// amtool check-config on its four Alertmanager configs. Prints medians.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateOverlays } from '../src/gitops/generate';
import { validateTree } from '../src/gitops/validate';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const input = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout',
  tag: '1.4.2',
  gitopsRepoUrl: 'https://github.com/acme/gitops',
};

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const gen: number[] = [];
  const none: number[] = [];
  const kustomize: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-'));
    let t = performance.now();
    const files = generateOverlays(input);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    gen.push(performance.now() - t);
    t = performance.now();
    if (!(await validateTree(dir, { build: 'none' })).valid)
      throw new Error('generated tree is invalid');
    none.push(performance.now() - t);
    t = performance.now();
    if (!(await validateTree(dir, { build: 'kustomize' })).valid)
      throw new Error('generated tree is invalid');
    kustomize.push(performance.now() - t);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const result = {
    benchmark: 'scaffolder: generate + validate one service',
    runs: RUNS,
    generateMs: Number(median(gen).toFixed(2)),
    validateFilesMs: Number(median(none).toFixed(2)),
    validateWithKustomizeMs: Number(median(kustomize).toFixed(2)),
    totalWithKustomizeMs: Number((median(gen) + median(kustomize)).toFixed(2)),
  };
  console.log(
    `generate: ${result.generateMs} ms, validate files: ${result.validateFilesMs} ms, validate with 3 kustomize builds (both with 4 amtool checks): ${result.validateWithKustomizeMs} ms (median of ${RUNS})`,
  );
  console.log(JSON.stringify(result));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
