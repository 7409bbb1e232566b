import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

// k6 has no JSON Schema for its end-of-test summary. Both shapes it writes are read:
// `handleSummary` data (metrics.<name>.values.<stat>) and `--summary-export`
// (metrics.<name>.<stat>).
const stats = z.record(z.union([z.number(), z.boolean(), z.null()]));
const metric = z.union([z.object({ values: stats }), stats]);
const summary = z.object({
  metrics: z.object({
    http_reqs: metric,
    http_req_duration: metric,
    http_req_failed: metric,
  }),
});

// k6 writes null (or nothing) for a statistic it did not compute.
const numberOr = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

const statsOf = (m: z.infer<typeof metric>) =>
  ('values' in m && typeof m.values === 'object' ? m.values : m) as Record<
    string,
    number
  >;

export function parseLoadTest(bytes: Buffer): EvidenceSummary {
  const r = summary.safeParse(parseJson('load-test', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'load-test',
      pathOf(issue.path),
      `${issue.message}; upload k6's end-of-test summary (handleSummary JSON or --summary-export)`,
    );
  }
  const reqs = statsOf(r.data.metrics.http_reqs);
  const dur = statsOf(r.data.metrics.http_req_duration);
  const failed = statsOf(r.data.metrics.http_req_failed);
  const requests = Number(reqs.count ?? 0);
  const rps = numberOr(reqs.rate);
  const errorRate = Number(failed.rate ?? failed.value ?? 0);
  const p95 = numberOr(dur['p(95)']);
  const p99 = numberOr(dur['p(99)']);
  return {
    headline: `Load test: ${requests} requests, ${(errorRate * 100).toFixed(
      2,
    )} % errors${p95 !== undefined ? `, p95 ${p95.toFixed(0)} ms` : ''}`,
    loadTest: {
      requests,
      ...(rps !== undefined ? { requestsPerSecond: rps } : {}),
      errorRate,
      ...(p95 !== undefined ? { p95Ms: p95 } : {}),
      ...(p99 !== undefined ? { p99Ms: p99 } : {}),
    },
  };
}
