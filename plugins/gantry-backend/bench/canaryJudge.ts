/* eslint-disable no-console */
// Benchmark (not a test): the canary judge on 20 metrics of 10,000 points a side
// (target <= 100 ms on this machine). The peer, in the same run, is SciPy's
// mannwhitneyu on the same samples (the U test alone, without Gantry's interval,
// estimate and classification); skipped when python3 with SciPy is missing.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { series } from '../src/canary/__testUtils__/series';
import { DEFAULT_JUDGE_CONFIG, metricConfig } from '../src/canary/judge/config';
import { judgeCanary } from '../src/canary/judge/judge';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const inputs = Array.from({ length: 20 }, (_, i) => ({
  config: metricConfig({ name: `m${i}`, direction: 'increase' as const }),
  baseline: series(10_000, 0.2, 0.02, i),
  canary: series(10_000, i % 4 ? 0.2 : 0.21, 0.02, i + 50).map(
    v => Math.round(v * 1000) / 1000,
  ),
}));
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function scipyMs(): number | undefined {
  const script = `
import json, sys, time
from scipy.stats import mannwhitneyu
data = json.load(sys.stdin)
times = []
for _ in range(${RUNS}):
    t = time.perf_counter()
    for m in data:
        mannwhitneyu(m[1], m[0], alternative='two-sided', method='asymptotic')
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(times[len(times) // 2])`;
  try {
    const out = execFileSync('python3', ['-c', script], {
      input: JSON.stringify(inputs.map(m => [m.baseline, m.canary])),
      maxBuffer: 1 << 26,
    });
    return Number(out.toString().trim());
  } catch {
    return undefined;
  }
}

judgeCanary(inputs, DEFAULT_JUDGE_CONFIG); // warm-up (JIT)
const times = Array.from({ length: RUNS }, () => {
  const t = performance.now();
  judgeCanary(inputs, DEFAULT_JUDGE_CONFIG);
  return performance.now() - t;
});
const judgeMs = Number(median(times).toFixed(1));
const peer = scipyMs();
const result = {
  benchmark: 'canary judge: 20 metrics x 10,000 points a side',
  runs: RUNS,
  judgeMedianMs: judgeMs,
  targetMs: 100,
  scipyMannWhitneyMedianMs: peer === undefined ? null : Number(peer.toFixed(1)),
  judgeToScipyRatio:
    peer === undefined ? null : Number((judgeMs / peer).toFixed(2)),
};
console.log(
  `judge: ${judgeMs} ms median of ${RUNS} (target <= 100 ms)${
    peer === undefined
      ? '; SciPy peer skipped (python3 with scipy not found)'
      : `; SciPy mannwhitneyu alone: ${result.scipyMannWhitneyMedianMs} ms; ratio ${result.judgeToScipyRatio}`
  }`,
);
console.log(JSON.stringify(result));
