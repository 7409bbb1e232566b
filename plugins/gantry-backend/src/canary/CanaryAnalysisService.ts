import { randomUUID } from 'node:crypto';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  type CanaryAnalysis,
  type CanaryJudgeResponse,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { MetricsSource } from '@gantry/plugin-gantry-node';
import { parseMetricSet, type CanaryConfig } from './canaryConfig';
import type { CanaryAnalysisStore } from './CanaryAnalysisStore';
import type { MetricInput } from './judge/classifyMetric';
import { judgeCanary, type JudgeResult } from './judge/judge';
import {
  DEFAULT_TEMPLATES,
  renderQuery,
  toMetricTemplate,
  type MetricTemplate,
} from './templates';

/** Thrown inside the transaction when a concurrent call stored this step's verdict first. */
class Replayed extends Error {
  constructor(readonly analysis: CanaryAnalysis) {
    super('already judged');
  }
}

interface AnalysisRequest {
  entity: Entity;
  entityRef: string;
  rollout: { namespace: string; name: string };
  step: number;
  baselineHash: string;
  canaryHash: string;
  /** Value of the `service` label; defaults to the rollout name. */
  service?: string;
  windowSeconds: number;
  stepSeconds: number;
  /** End of the window; default now. */
  end?: Date;
  actor: string;
}

/** Label matchers of one side, as the scaffolded overlays label pods. */
const sideSelector = (namespace: string, service: string, hash: string) =>
  `namespace="${namespace}",service="${service}",rollouts_pod_template_hash="${hash}"`;

/**
 * Runs canary analyses: reads each metric's baseline and canary samples from Prometheus,
 * judges them, stores the analysis and records it in the audit log. One analysis per
 * entity, rollout, canary revision and step: asking again returns the stored verdict,
 * except after an Error (Prometheus down, bad template), which is judged afresh.
 */
export class CanaryAnalysisService {
  constructor(
    private readonly deps: {
      store: CanaryAnalysisStore;
      audit: AuditService;
      /** Undefined when gantry.prometheus is not configured. */
      prometheus?: MetricsSource;
      config: CanaryConfig;
      now?: () => Date;
    },
  ) {}

  async analyze(req: AnalysisRequest): Promise<CanaryJudgeResponse> {
    const key = {
      entityRef: req.entityRef,
      rolloutNamespace: req.rollout.namespace,
      rolloutName: req.rollout.name,
      canaryHash: req.canaryHash,
      step: req.step,
    };
    const stored = await this.deps.store.findByKey(key);
    if (stored && stored.verdict !== 'Error')
      return { ...stored, replayed: true };

    const now = this.deps.now?.() ?? new Date();
    const end = req.end ?? now;
    const start = new Date(end.getTime() - req.windowSeconds * 1000);
    const judged = await this.judge(req, start, end);
    const analysis: CanaryAnalysis = {
      id: randomUUID(),
      entityRef: req.entityRef,
      rollout: req.rollout,
      step: req.step,
      baselineHash: req.baselineHash,
      canaryHash: req.canaryHash,
      window: {
        start: start.toISOString(),
        end: end.toISOString(),
        stepSeconds: req.stepSeconds,
      },
      verdict: judged.verdict,
      score: judged.score,
      thresholds: this.deps.config.judge.thresholds,
      reason: judged.reason,
      groups: judged.groups,
      metrics: judged.metrics,
      requestedBy: req.actor,
      createdAt: now.toISOString(),
    };

    try {
      await this.deps.store.transaction(async tx => {
        const existing = await this.deps.store.findByKey(key, tx);
        if (existing && existing.verdict !== 'Error')
          throw new Replayed(existing);
        if (existing) await this.deps.store.replace(tx, existing.id, analysis);
        else await this.deps.store.insert(tx, analysis);
        await this.deps.audit.record(
          {
            actor: req.actor,
            action: 'canary.analyze',
            entityRef: req.entityRef,
            details: {
              analysisId: analysis.id,
              rollout: `${req.rollout.namespace}/${req.rollout.name}`,
              step: req.step,
              canaryHash: req.canaryHash,
              baselineHash: req.baselineHash,
              verdict: analysis.verdict,
              score: analysis.score,
            },
          },
          tx,
        );
      });
    } catch (e) {
      // A concurrent call for the same step stored its verdict first: that one stands.
      if (e instanceof Replayed) return { ...e.analysis, replayed: true };
      const winner = await this.deps.store.findByKey(key);
      if (winner && winner.verdict !== 'Error')
        return { ...winner, replayed: true };
      throw e;
    }
    return { ...analysis, replayed: false };
  }

  list(entityRef: string, limit = 20): Promise<CanaryAnalysis[]> {
    return this.deps.store.list(entityRef, limit);
  }

  get(entityRef: string, id: string): Promise<CanaryAnalysis | undefined> {
    return this.deps.store.get(entityRef, id);
  }

  /** The entity's metric templates, or a sentence saying why there are none. */
  templatesFor(entity: Entity): MetricTemplate[] | string {
    const setName =
      entity.metadata.annotations?.[ANNOTATIONS.canaryAnalysis]?.trim() ||
      'default';
    const raw = this.deps.config.metricSets[setName];
    if (raw === undefined) {
      if (setName === 'default') return DEFAULT_TEMPLATES;
      return `The entity's ${
        ANNOTATIONS.canaryAnalysis
      } annotation names the metric set '${setName}', which gantry.canary.metricSets does not define (known: ${[
        'default',
        ...Object.keys(this.deps.config.metricSets),
      ].join(', ')}).`;
    }
    try {
      return parseMetricSet(setName, raw).map(toMetricTemplate);
    } catch (e) {
      return (e as Error).message;
    }
  }

  private async judge(
    req: AnalysisRequest,
    start: Date,
    end: Date,
  ): Promise<JudgeResult> {
    const fail = (reason: string): JudgeResult => ({
      verdict: 'Error',
      score: 0,
      reason,
      groups: [],
      metrics: [],
    });
    const templates = this.templatesFor(req.entity);
    if (typeof templates === 'string') return fail(templates);
    const prometheus = this.deps.prometheus;
    if (!prometheus) {
      return fail(
        'Prometheus is not configured, so the canary cannot be judged: set gantry.prometheus.baseUrl in app-config.',
      );
    }
    const service = req.service ?? req.rollout.name;
    const selectors = {
      baseline: sideSelector(req.rollout.namespace, service, req.baselineHash),
      canary: sideSelector(req.rollout.namespace, service, req.canaryHash),
    };
    const range = { start, end, stepSeconds: req.stepSeconds };

    const read = async (query: string): Promise<number[]> => {
      const series = await prometheus.queryRange(query, range);
      if (series.length > 1) {
        throw new Error(
          `The query ${query} returned ${series.length} series; aggregate it (e.g. sum(...)) so each side is one series.`,
        );
      }
      return series[0]?.values.map(([, v]) => v) ?? [];
    };
    const inputs = await Promise.all(
      templates.map(async (t): Promise<MetricInput & { queries: any }> => {
        const queries = {
          baseline: renderQuery(t.query, selectors.baseline),
          canary: renderQuery(t.query, selectors.canary),
        };
        const [baseline, canary] = await Promise.allSettled([
          read(queries.baseline),
          read(queries.canary),
        ]);
        if (baseline.status === 'fulfilled' && canary.status === 'fulfilled') {
          return {
            config: t.config,
            baseline: baseline.value,
            canary: canary.value,
            queries,
          };
        }
        // The baseline's error first, so the same failure always reads the same.
        const failed = [baseline, canary].find(r => r.status === 'rejected') as
          | PromiseRejectedResult
          | undefined;
        return {
          config: t.config,
          baseline: [],
          canary: [],
          queries,
          error: (failed?.reason as Error).message,
        };
      }),
    );
    const result = judgeCanary(inputs, this.deps.config.judge);
    result.metrics.forEach((m, i) => {
      m.queries = inputs[i].queries;
    });
    return result;
  }
}
