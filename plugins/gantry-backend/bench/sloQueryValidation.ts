/* eslint-disable no-console */
// Benchmark (not a test): validate SLO specs whose query is adversarial for template
// matching (an unclosed run of `{`, and `{{ .window` repeated without `}}`) through parseSloSpec, then run
// the regex the validator used before on the same queries as the peer. Prints ms per
// spec and the regex/scan ratio. BENCH_SLO_KB (default 100) sets the query size. The
// validator is the built package's (bench/productionBuild.ts says which build).
import { performance } from 'node:perf_hooks';
import { built, describeBuild } from './productionBuild';

const { parseSloSpec } =
  built<typeof import('../src/slo/parseSloSpec')>('slo/parseSloSpec');

const KB = Number(process.env.BENCH_SLO_KB ?? 100);
const OLD_ANY_TEMPLATE = /\{\{[^}]*\}\}/g;

const inputs: Record<string, string> = {
  'unclosed {': `sum(rate(x[${'{'.repeat(KB * 1024)}]))`,
  '{{ .window repeated, never closed': `sum(rate(x[${'{{ .window'.repeat(
    (KB * 1024) / 10,
  )}]))`,
};

const spec = (q: string) => `version: prometheus/v1
service: checkout
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: ${JSON.stringify(q)}
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
`;

function time(fn: () => void, runs: number): number {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t0) / runs;
}

console.log(describeBuild());
for (const [label, query] of Object.entries(inputs)) {
  const doc = spec(query);
  const scan = time(() => {
    try {
      parseSloSpec(doc, 'slos.yaml');
    } catch {
      // rejected, as it should be
    }
  }, 5);
  const regex = time(() => query.match(OLD_ANY_TEMPLATE), 1);
  console.log(
    `${label} (${KB} KB): parseSloSpec ${scan.toFixed(1)} ms/spec; ` +
      `old regex alone ${regex.toFixed(0)} ms; ratio ${(regex / scan).toFixed(
        0,
      )}x`,
  );
}
