import { z } from 'zod';
import type { EvidenceSummary } from '@gantry/plugin-gantry-common';
import { chaosMeshObject, experimentOf } from './chaosMesh';
import { EvidenceFormatError, parseJson, pathOf } from './EvidenceFormatError';

const time = z.string().datetime({
  offset: true,
  message: 'must be an ISO-8601 time such as 2026-12-01T09:30:00Z',
});

const experiment = z
  .object({
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]{1,62}$/, {
      message:
        'must be the Chaos Mesh kind, such as PodChaos, NetworkChaos or StressChaos',
    }),
    action: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,62}$/, {
      message:
        'must be the experiment action, such as pod-kill, pod-failure, delay or loss',
    }),
    name: z.string().trim().min(1).max(253),
    injectedAt: time,
    recoveredAt: time.optional(),
  })
  .strict();

const drill = z
  .object({
    format: z.literal('chaos-drill'),
    environment: z.string().trim().min(1).max(63),
    release: z.string().trim().min(1).max(128),
    experiments: z.array(z.object({}).passthrough()).min(1).max(100),
    canaryVerdict: z.enum(['pass', 'fail', 'inconclusive']),
    analysisRun: z.string().trim().min(1).max(253).optional(),
  })
  .strict();

/** Instead of kind, action, name and injectedAt: the Chaos Mesh object itself. */
const fromChaosMesh = z
  .object({ chaosMesh: chaosMeshObject, recoveredAt: time.optional() })
  .strict();

const SHAPE =
  'upload {"format": "chaos-drill", "environment", "release", "experiments": [{"kind", "action", "name", "injectedAt", "recoveredAt"?} or {"chaosMesh": <kubectl get <kind> <name> -o json>, "recoveredAt"?}], "canaryVerdict": "pass"|"fail"|"inconclusive", "analysisRun"?}';

const invalid = (path: Array<string | number>, issue: z.ZodIssue) =>
  new EvidenceFormatError(
    'chaos-drill',
    pathOf([...path, ...issue.path]),
    `${issue.message}; ${SHAPE}`,
  );

/** One experiment in either shape, as the Gantry shape; recoveredAt given wins over Chaos Mesh's. */
function experimentAt(i: number, item: object) {
  const at = ['experiments', i];
  if ('chaosMesh' in item) {
    const r = fromChaosMesh.safeParse(item);
    if (!r.success) throw invalid(at, r.error.issues[0]);
    const e = experimentOf(r.data.chaosMesh);
    if (!e.injectedAt)
      throw new EvidenceFormatError(
        'chaos-drill',
        `experiments[${i}].chaosMesh.status.experiment.containerRecords`,
        `${e.kind} ${e.name} records no successful Apply event: the fault was never injected; upload the object after the experiment ran`,
      );
    return {
      ...e,
      injectedAt: e.injectedAt,
      recoveredAt: r.data.recoveredAt ?? e.recoveredAt,
    };
  }
  const r = experiment.safeParse(item);
  if (!r.success) throw invalid(at, r.error.issues[0]);
  return r.data;
}

/**
 * A resilience drill: the faults (Chaos Mesh experiments) injected while a release's
 * canary ran in a pre-production environment, when the service recovered from each,
 * and the canary analysis verdict under fault.
 */
export function parseChaosDrill(
  bytes: Buffer,
  now = new Date(),
): EvidenceSummary {
  const r = drill.safeParse(parseJson('chaos-drill', bytes));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EvidenceFormatError(
      'chaos-drill',
      pathOf(issue.path),
      `${issue.message}; ${SHAPE}`,
    );
  }
  const d = r.data;
  const items = d.experiments.map((item, i) => experimentAt(i, item));
  const iso = (t: string) => new Date(t).toISOString();
  const experiments = items.map((e, i) => {
    const at = `experiments[${i}]`;
    const injected = Date.parse(e.injectedAt);
    if (injected > now.getTime() + 5 * 60_000)
      throw new EvidenceFormatError(
        'chaos-drill',
        `${at}.injectedAt`,
        `${e.injectedAt} is in the future; upload a drill after it ran`,
      );
    if (e.recoveredAt !== undefined && Date.parse(e.recoveredAt) < injected)
      throw new EvidenceFormatError(
        'chaos-drill',
        `${at}.recoveredAt`,
        `${e.recoveredAt} is before injectedAt ${e.injectedAt}; give the time the service was healthy again after the fault`,
      );
    return {
      kind: e.kind,
      action: e.action,
      name: e.name,
      injectedAt: iso(e.injectedAt),
      ...(e.recoveredAt ? { recoveredAt: iso(e.recoveredAt) } : {}),
    };
  });
  const ranAt = experiments
    .map(e => e.injectedAt)
    .reduce((a, b) => (a > b ? a : b));
  const unrecovered = experiments.filter(e => !e.recoveredAt).length;
  return {
    headline: `Chaos drill ${ranAt.slice(0, 10)} in ${d.environment}: ${
      experiments.length
    } experiment${experiments.length === 1 ? '' : 's'} (${[
      ...new Set(experiments.map(e => e.action)),
    ].join(', ')}), canary ${d.canaryVerdict}${
      unrecovered ? `, ${unrecovered} never recovered` : ''
    }`,
    chaosDrill: {
      environment: d.environment,
      release: d.release,
      experiments,
      canaryVerdict: d.canaryVerdict,
      ...(d.analysisRun ? { analysisRun: d.analysisRun } : {}),
      ranAt,
    },
  };
}
