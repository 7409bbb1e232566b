import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATIONS,
  type EntitySlos,
  type SloDefinitionView,
  type SloStatus,
} from '@gantry/plugin-gantry-common';
import type { MetricsSource } from '@gantry/plugin-gantry-node';
import { formatDuration } from '../kernel/durations';
import type { SloDefinition } from './model';
import { renderQuery } from './specChecks';
import { generateRuleGroups, sliErrorExpr } from './rules';
import { capacityRuleGroups } from './rulesCapacity';
import { capacityContainer } from '../kernel/capacityQueries';
import { prometheusRule, rulesFile, type RulesFormat } from './rulesOutput';
import { alertStatus, budgetOf, burnRates, ratioOrNull } from './sloMath';
import type { SloSpecLoader } from './SloSpecLoader';
import { burnRateWindows } from './windows';

const HISTORY_POINTS = 60;

const viewOf = (s: SloDefinition): SloDefinitionView => ({
  id: s.id,
  service: s.service,
  name: s.name,
  description: s.description,
  objective: s.objective,
  period: formatDuration(s.periodMs),
  format: s.format,
});

/**
 * Error ratio over the whole period. For event SLIs this is errors / total over the
 * period (OpenSLO's Occurrences); Sloth's slo:sli_error:ratio_rate30d averages the 5m
 * ratios instead, which equals it at steady traffic and weighs quiet hours more otherwise.
 * A raw ratio SLI can only be averaged, so it is averaged over 5m steps like Sloth.
 */
function periodErrorExpr(slo: SloDefinition): string {
  const period = formatDuration(slo.periodMs);
  return slo.sli.type === 'events'
    ? sliErrorExpr(slo, period)
    : `avg_over_time((${renderQuery(
        slo.sli.errorRatioQuery,
        '5m',
      )})[${period}:5m])`;
}

/** SLO status per entity, computed from Prometheus with the spec's own queries. */
export class SloService {
  constructor(
    private readonly deps: {
      specs: SloSpecLoader;
      prometheus?: MetricsSource;
      /** app.baseUrl, for runbook links in the generated alerts. */
      appBaseUrl?: string;
      now?: () => Date;
    },
  ) {}

  declares(entity: Entity): boolean {
    return this.deps.specs.declares(entity);
  }

  /** The Sloth-compatible rules for the entity's SLOs, as a rules file or PrometheusRule. */
  async rules(
    entity: Entity,
    format: RulesFormat,
  ): Promise<{ fileName: string; yaml: string }> {
    const spec = await this.deps.specs.load(entity);
    if (!spec) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} declares no SLOs; add the ${
          ANNOTATIONS.sloSpec
        } or ${ANNOTATIONS.sloInline} annotation.`,
      );
    }
    const runbookUrl = this.runbookUrl(entity);
    const groups = [
      ...generateRuleGroups(spec.slos, { runbookUrl }),
      ...capacityRuleGroups(spec.slos, {
        entityRef: stringifyEntityRef(entity),
        container: capacityContainer(entity),
        runbookUrl,
      }),
    ];
    const name = `${entity.metadata.name}-slos`;
    return format === 'prometheusrule'
      ? {
          fileName: `${name}.prometheusrule.yaml`,
          yaml: prometheusRule(groups, {
            name,
            namespace:
              entity.metadata.annotations?.[ANNOTATIONS.kubernetesNamespace],
          }),
        }
      : { fileName: `${name}.rules.yml`, yaml: rulesFile(groups) };
  }

  /** The entity's TechDocs when it has them, else its Delivery tab. */
  private runbookUrl(entity: Entity): string | undefined {
    if (!this.deps.appBaseUrl) return undefined;
    const { kind, metadata } = entity;
    const page = `${this.deps.appBaseUrl.replace(/\/$/, '')}/catalog/${
      metadata.namespace ?? 'default'
    }/${kind.toLocaleLowerCase('en-US')}/${metadata.name}`;
    return metadata.annotations?.['backstage.io/techdocs-ref']
      ? `${page}/docs`
      : `${page}/delivery`;
  }

  /** The SLOs the entity declares (none when it declares no spec); throws on a bad spec. */
  async declared(entity: Entity): Promise<SloDefinitionView[]> {
    return ((await this.deps.specs.load(entity))?.slos ?? []).map(viewOf);
  }

  async forEntity(
    entity: Entity,
    entityRef: string,
    at?: Date,
  ): Promise<EntitySlos> {
    const when = at ?? this.deps.now?.() ?? new Date();
    const spec = await this.deps.specs.load(entity);
    const base = {
      entityRef,
      source: spec?.source,
      evaluatedAt: when.toISOString(),
      definitions: (spec?.slos ?? []).map(viewOf),
      slos: [] as SloStatus[],
    };
    if (!spec) return base;
    if (!this.deps.prometheus) {
      return {
        ...base,
        error:
          'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to compute error budgets.',
      };
    }
    try {
      const slos = await Promise.all(spec.slos.map(s => this.status(s, when)));
      return { ...base, slos };
    } catch (e) {
      return { ...base, error: (e as Error).message };
    }
  }

  /** Status of one SLO at `at`: burn rates, budget, alerts and budget history. */
  async status(slo: SloDefinition, at: Date): Promise<SloStatus> {
    const prometheus = this.deps.prometheus;
    if (!prometheus) throw new Error('No Prometheus is configured.');
    const windows = burnRateWindows();
    const period = formatDuration(slo.periodMs);
    const queries: Array<[string, string]> = [
      ...windows.map(w => [w, sliErrorExpr(slo, w)] as [string, string]),
      [period, periodErrorExpr(slo)],
    ];
    const end = Math.floor(at.getTime() / 1000);
    const stepSeconds = Math.max(
      300,
      Math.round(slo.periodMs / 1000 / HISTORY_POINTS / 60) * 60,
    );
    const [values, history] = await Promise.all([
      Promise.all(
        queries.map(async ([w, q]) => {
          const v = ratioOrNull(await prometheus.queryScalar(q, end));
          return [w, v] as [string, number | null];
        }),
      ),
      prometheus.queryRange(periodErrorExpr(slo), {
        start: end - HISTORY_POINTS * stepSeconds,
        end,
        stepSeconds,
      }),
    ]);
    const ratios = new Map(values);
    const periodRatio = ratios.get(period) ?? null;
    const budget = budgetOf(slo, periodRatio);
    const rates = burnRates(slo, ratios, windows);
    const byTime = new Map(
      (history[0]?.values ?? []).map(([t, v]) => [t, ratioOrNull(v)]),
    );
    const budgetHistory = Array.from({ length: HISTORY_POINTS + 1 }, (_, i) => {
      const t = end - (HISTORY_POINTS - i) * stepSeconds;
      const ratio = byTime.get(t) ?? null;
      return {
        time: new Date(t * 1000).toISOString(),
        remaining: ratio === null ? null : budgetOf(slo, ratio).remaining,
      };
    });
    return {
      ...viewOf(slo),
      sli: periodRatio === null ? null : 1 - periodRatio,
      errorRatio: periodRatio,
      budget,
      currentBurnRate: rates[0].burnRate,
      burnRates: rates,
      alerts: alertStatus(slo, ratios),
      budgetHistory,
    };
  }
}
