import {
  timestamps,
  type Sample,
  type TestSeries,
} from '../../__testUtils__/prometheus';

/** How one side (baseline or canary pods) of a scenario behaves. */
export interface SideBehaviour {
  hash: string;
  /** Requests per second per pod. */
  rps: number;
  /** Share of requests answered 5xx. */
  errorRatio: number;
  /** Exponential latency scale in seconds: p99 ≈ 4.6 × scale. */
  latencyScale: number;
}

export interface Scenario {
  service: string;
  baseline: SideBehaviour;
  /** Absent: the canary pods never reported (no data). */
  canary?: SideBehaviour;
}

export const NAMESPACE = 'shop';
const BUCKETS = ['0.05', '0.1', '0.2', '0.3', '0.5', '1', '+Inf'];

/** A seeded PRNG (mulberry32) and ±1-ish noise from it, so the data is the same every run. */
function noise(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => (uniform() + uniform() + uniform() - 1.5) * 2;
}

/**
 * The series one side's pod exports, scraped every `stepSeconds` from `from` to `to`:
 * `http_requests_total{code}`, `http_request_duration_seconds_bucket{le}` (exponential
 * latencies whose scale jitters ±5 % per scrape) and `up`, labelled like the pods of the
 * scaffolded overlays (namespace, service, rollouts_pod_template_hash).
 */
function sideSeries(
  service: string,
  side: SideBehaviour,
  opts: { from: number; to: number; stepSeconds: number; seed: number },
): TestSeries[] {
  const r = noise(opts.seed);
  const labels = {
    namespace: NAMESPACE,
    service,
    rollouts_pod_template_hash: side.hash,
    pod: `${service}-${side.hash}-0`,
  };
  const ok: Sample[] = [];
  const errors: Sample[] = [];
  const buckets: Sample[][] = BUCKETS.map(() => []);
  const up: Sample[] = [];
  let okTotal = 1e6;
  let errorTotal = 1e4;
  const bucketTotals = BUCKETS.map(() => 1e6);
  timestamps(opts.from, opts.to, opts.stepSeconds).forEach((t, i) => {
    if (i > 0) {
      const requests = side.rps * opts.stepSeconds * (1 + 0.05 * r());
      const failed = requests * side.errorRatio * (1 + 0.2 * r());
      okTotal += requests - failed;
      errorTotal += failed;
      const scale = side.latencyScale * (1 + 0.05 * r());
      BUCKETS.forEach((le, b) => {
        const share = le === '+Inf' ? 1 : 1 - Math.exp(-Number(le) / scale);
        bucketTotals[b] += requests * share;
      });
    }
    ok.push([t, okTotal]);
    errors.push([t, errorTotal]);
    BUCKETS.forEach((_, b) => buckets[b].push([t, bucketTotals[b]]));
    up.push([t, 1]);
  });
  return [
    {
      metric: 'http_requests_total',
      labels: { ...labels, code: '200' },
      samples: ok,
    },
    {
      metric: 'http_requests_total',
      labels: { ...labels, code: '500' },
      samples: errors,
    },
    ...BUCKETS.map((le, b) => ({
      metric: 'http_request_duration_seconds_bucket',
      labels: { ...labels, le },
      samples: buckets[b],
    })),
    { metric: 'up', labels, samples: up },
  ];
}

export function scenarioSeries(
  scenarios: Scenario[],
  opts: { from: number; to: number; stepSeconds: number },
): TestSeries[] {
  return scenarios.flatMap((s, i) => [
    ...sideSeries(s.service, s.baseline, { ...opts, seed: 1000 + i }),
    ...(s.canary
      ? sideSeries(s.service, s.canary, { ...opts, seed: 2000 + i })
      : []),
  ]);
}

const stable = (hash: string): SideBehaviour => ({
  hash,
  rps: 20,
  errorRatio: 0.002,
  latencyScale: 0.04, // p99 ≈ 184 ms
});

/** Four canaries: healthy, slower, failing more, and one whose pods never reported. */
export const SCENARIOS = {
  healthy: {
    service: 'cart',
    baseline: stable('aaa111'),
    canary: stable('bbb111'),
  },
  latency: {
    service: 'checkout',
    baseline: stable('aaa222'),
    canary: { ...stable('bbb222'), latencyScale: 0.075 }, // p99 ≈ 345 ms, under the 500 ms guard
  },
  errors: {
    service: 'payments',
    baseline: stable('aaa333'),
    canary: { ...stable('bbb333'), errorRatio: 0.008 }, // 0.8 %, under the 1 % guard
  },
  noData: { service: 'search', baseline: stable('aaa444') },
} satisfies Record<string, Scenario>;
