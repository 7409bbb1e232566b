import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS, type FlagUsage } from '@gantry/plugin-gantry-common';
import {
  HTTP_ERROR_RATE_QUERY,
  HTTP_P99_LATENCY_QUERY,
  renderQuery,
} from '@gantry/plugin-gantry-common';
import type { MetricsSource } from '@gantry/plugin-gantry-node';
import {
  parseLabelSelector,
  type LabelRequirement,
} from '../kernel/labelSelector';
import { USAGE_BUCKET_MINUTES, type FlagService } from './FlagService';

/** Prometheus label names allow [a-zA-Z_][a-zA-Z0-9_]*; Kubernetes SD maps the rest to _. */
const labelName = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, '_');
const quote = (v: string) => JSON.stringify(v);
/** Label values are [A-Za-z0-9_.-]; only '.' means something in RE2. */
const alternatives = (values: string[]) =>
  quote(values.map(v => v.replace(/\./g, '\\.')).join('|'));

/** One Kubernetes label requirement as a PromQL label matcher; `>`/`<` have none. */
function matcherOf(r: LabelRequirement): string | undefined {
  const name = labelName(r.key);
  switch (r.operator) {
    case '=':
    case '==':
      return `${name}=${quote(r.values[0])}`;
    case '!=':
      return `${name}!=${quote(r.values[0])}`;
    case 'in':
      return `${name}=~${alternatives(r.values)}`;
    case 'notin':
      return `${name}!~${alternatives(r.values)}`;
    case 'exists':
      return `${name}!=""`;
    case '!':
      return `${name}=""`;
    default:
      return undefined;
  }
}

/**
 * The label matchers that pick the entity's series: its
 * backstage.io/kubernetes-label-selector (parsed with the kernel's one Kubernetes
 * label-selector implementation, every operator PromQL can express), else
 * service="<backstage.io/kubernetes-id or entity name>", the label the canary's
 * default templates select on too. A malformed selector throws an InputError.
 */
export function entityMatchers(entity: Entity): string {
  const a = entity.metadata.annotations ?? {};
  const selector = a[ANNOTATIONS.kubernetesLabelSelector];
  if (selector?.trim()) {
    const matchers = parseLabelSelector(selector)
      .requirements.map(matcherOf)
      .filter((m): m is string => m !== undefined);
    if (matchers.length) return matchers.join(',');
  }
  return `service=${quote(
    a[ANNOTATIONS.kubernetesId] ?? entity.metadata.name,
  )}`;
}

/**
 * Flag evaluation counts over time beside the entity's error rate and p99 latency
 * (the canary's default PromQL), so a change in traffic split can be read against
 * the service's health. Prometheus trouble degrades to a message, never a failed card.
 */
export class FlagUsageService {
  constructor(
    private readonly deps: {
      flags: Pick<FlagService, 'usage'>;
      prometheus?: MetricsSource;
    },
  ) {}

  async usage(
    entity: Entity,
    entityRef: string,
    environment: string,
    hours: number,
  ): Promise<FlagUsage> {
    const counts = await this.deps.flags.usage(entityRef, environment, hours);
    const prometheus = this.deps.prometheus;
    if (!prometheus)
      return {
        ...counts,
        metrics: {
          status: 'unavailable',
          message:
            'Prometheus is not configured (gantry.prometheus.baseUrl), so error rate and latency cannot be shown.',
        },
      };
    let selector: string;
    try {
      selector = entityMatchers(entity);
    } catch (e) {
      return {
        ...counts,
        metrics: { status: 'unavailable', message: (e as Error).message },
      };
    }
    const range = {
      start: new Date(counts.from),
      end: new Date(counts.to),
      stepSeconds: USAGE_BUCKET_MINUTES * 60,
    };
    const read = async (template: string) => {
      const series = await prometheus.queryRange(
        renderQuery(template, selector),
        range,
      );
      return (series[0]?.values ?? []).filter(([, v]) => Number.isFinite(v));
    };
    try {
      const [errorRate, p99LatencySeconds] = await Promise.all([
        read(HTTP_ERROR_RATE_QUERY),
        read(HTTP_P99_LATENCY_QUERY),
      ]);
      return {
        ...counts,
        metrics: { status: 'ok', selector, errorRate, p99LatencySeconds },
      };
    } catch (e) {
      return {
        ...counts,
        metrics: { status: 'unavailable', message: (e as Error).message },
      };
    }
  }
}
