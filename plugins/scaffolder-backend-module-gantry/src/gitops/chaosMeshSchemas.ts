import { z } from 'zod';
import type { SchemaError } from './schemas';

// No @kubernetes-models package covers Chaos Mesh: these are the fields of its
// chaos-mesh.org/v1alpha1 PodChaos and NetworkChaos CRDs (Chaos Mesh 2.x) that drills use,
// strict so a misspelt field fails as it would against the CRD's structural schema.

const duration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/, {
  message: 'must be a Go duration such as 30s or 2m',
});
const percent = z.string().regex(/^(100|[0-9]{1,2})(\.[0-9]+)?$/, {
  message: 'must be a percentage string from "0" to "100"',
});

const selector = z
  .object({
    namespaces: z.array(z.string()).optional(),
    labelSelectors: z.record(z.string()).optional(),
    expressionSelectors: z
      .array(
        z
          .object({
            key: z.string(),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    annotationSelectors: z.record(z.string()).optional(),
    fieldSelectors: z.record(z.string()).optional(),
    podPhaseSelectors: z.array(z.string()).optional(),
    nodes: z.array(z.string()).optional(),
    nodeSelectors: z.record(z.string()).optional(),
    pods: z.record(z.array(z.string())).optional(),
  })
  .strict();

const MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];
const target = {
  selector,
  mode: z.enum(MODES as [string, ...string[]]),
  value: z.string().optional(),
};
const needsValue = (s: { mode: string; value?: string }) =>
  s.mode === 'one' || s.mode === 'all' || Boolean(s.value);
const valueMessage = {
  message: 'is required for mode fixed, fixed-percent and random-max-percent',
  path: ['value'],
};

const metadata = z
  .object({ name: z.string().min(1), namespace: z.string().optional() })
  .passthrough();

const podChaos = z
  .object({
    apiVersion: z.literal('chaos-mesh.org/v1alpha1'),
    kind: z.literal('PodChaos'),
    metadata,
    spec: z
      .object({
        ...target,
        action: z.enum(['pod-failure', 'pod-kill', 'container-kill']),
        duration: duration.optional(),
        gracePeriod: z.number().int().min(0).optional(),
        containerNames: z.array(z.string()).optional(),
      })
      .strict()
      .refine(needsValue, valueMessage)
      .refine(s => s.action !== 'container-kill' || s.containerNames?.length, {
        message: 'container-kill needs containerNames',
        path: ['containerNames'],
      }),
  })
  .strict();

const networkChaos = z
  .object({
    apiVersion: z.literal('chaos-mesh.org/v1alpha1'),
    kind: z.literal('NetworkChaos'),
    metadata,
    spec: z
      .object({
        ...target,
        action: z.enum([
          'netem',
          'delay',
          'loss',
          'duplicate',
          'corrupt',
          'partition',
          'bandwidth',
        ]),
        duration: duration.optional(),
        direction: z.enum(['to', 'from', 'both']).optional(),
        target: z
          .object(target)
          .strict()
          .refine(needsValue, valueMessage)
          .optional(),
        externalTargets: z.array(z.string()).optional(),
        device: z.string().optional(),
        delay: z
          .object({
            latency: duration,
            jitter: duration.optional(),
            correlation: percent.optional(),
            reorder: z
              .object({
                reorder: percent,
                correlation: percent.optional(),
                gap: z.number().int().optional(),
              })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        loss: z
          .object({ loss: percent, correlation: percent.optional() })
          .strict()
          .optional(),
        duplicate: z
          .object({ duplicate: percent, correlation: percent.optional() })
          .strict()
          .optional(),
        corrupt: z
          .object({ corrupt: percent, correlation: percent.optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine(needsValue, valueMessage)
      .refine(s => s.action !== 'delay' || s.delay, {
        message: 'action delay needs delay.latency',
        path: ['delay'],
      })
      .refine(s => s.action !== 'loss' || s.loss, {
        message: 'action loss needs loss.loss',
        path: ['loss'],
      }),
  })
  .strict();

const CHAOS_SCHEMAS: Record<string, z.ZodTypeAny> = {
  'chaos-mesh.org/v1alpha1/PodChaos': podChaos,
  'chaos-mesh.org/v1alpha1/NetworkChaos': networkChaos,
};

export const chaosMeshKinds = () => Object.keys(CHAOS_SCHEMAS);

/** Errors of a Chaos Mesh experiment, or undefined for other kinds. */
export function validateChaosMesh(obj: {
  apiVersion?: string;
  kind?: string;
}): SchemaError[] | undefined {
  const schema = CHAOS_SCHEMAS[`${obj.apiVersion}/${obj.kind}`];
  if (!schema) return undefined;
  const r = schema.safeParse(obj);
  if (r.success) return [];
  return r.error.issues.map(i => ({
    field: i.path
      .map((p, k) => {
        if (typeof p === 'number') return `[${p}]`;
        return k ? `.${p}` : p;
      })
      .join(''),
    message:
      i.code === 'unrecognized_keys'
        ? `has unknown field '${i.keys.join("', '")}'`
        : i.message,
  }));
}
