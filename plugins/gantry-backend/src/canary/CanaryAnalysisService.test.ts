import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { AuditService } from '../kernel/audit/AuditService';
import { KnexAuditStore } from '../kernel/audit/KnexAuditStore';
import { PrometheusClient } from '../providers/PrometheusClient';
import {
  NAMESPACE,
  SCENARIOS,
  scenarioSeries,
  type Scenario,
} from './__testUtils__/canaryScenarios';
import { CanaryAnalysisService } from './CanaryAnalysisService';
import { KnexCanaryAnalysisStore } from './KnexCanaryAnalysisStore';
import { readCanaryConfig } from './canaryConfig';
import { ConfigReader } from '@backstage/config';

jest.setTimeout(120_000);

const end = alignedEvalTime();
const databases = createTestDatabases();

const entity = (canaryAnalysis = 'default'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    annotations: { 'gantry.dev/canary-analysis': canaryAnalysis },
  },
});

const request = (
  scenario: Scenario,
  overrides: { step?: number; canaryHash?: string; entity?: Entity } = {},
) => ({
  entity: overrides.entity ?? entity(),
  entityRef: 'component:default/shop',
  rollout: { namespace: NAMESPACE, name: scenario.service },
  step: overrides.step ?? 2,
  baselineHash: scenario.baseline.hash,
  canaryHash:
    overrides.canaryHash ??
    scenario.canary?.hash ??
    scenario.baseline.hash.replace('aaa', 'bbb'),
  windowSeconds: 600,
  stepSeconds: 30,
  end: new Date(end * 1000),
  actor: 'service:external:argo-rollouts',
});

const classifications = (r: {
  metrics: { name: string; classification: string }[];
}) => Object.fromEntries(r.metrics.map(m => [m.name, m.classification]));

describe('canary analysis against the real Prometheus', () => {
  const prometheus = usePrometheus({
    series: scenarioSeries(Object.values(SCENARIOS), {
      from: end - 1800,
      to: end,
      stepSeconds: 15,
    }),
  });

  describe.each(databases.eachSupportedId())('stored in %s', databaseId => {
    let knex: Knex;
    let service: CanaryAnalysisService;
    const make = (client?: PrometheusClient, config: object = {}) =>
      new CanaryAnalysisService({
        store: new KnexCanaryAnalysisStore(knex),
        audit: new AuditService(new KnexAuditStore(knex)),
        prometheus: client,
        config: readCanaryConfig(
          new ConfigReader({ gantry: { canary: config } }),
        ),
        now: () => new Date((end + 5) * 1000),
      });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gantry/plugin-gantry-backend',
          'migrations',
        ),
      });
    });
    beforeEach(async () => {
      await knex('gantry_canary_analyses').delete();
      service = make(prometheus().client);
    });

    it('passes the healthy canary', async () => {
      const r = await service.analyze(request(SCENARIOS.healthy));
      expect(classifications(r)).toEqual({
        'error rate': 'Pass',
        'p99 latency': 'Pass',
        'throughput per pod': 'Pass',
      });
      expect(r).toMatchObject({ verdict: 'Pass', score: 100, replayed: false });
      // 10 minutes at 30 s steps: 21 points a side.
      expect(r.metrics[1].canary.count).toBe(21);
      expect(r.metrics[1].baseline.count).toBe(21);
      expect(r.metrics[1].queries!.canary).toBe(
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop",service="cart",rollouts_pod_template_hash="bbb111"}[1m])))',
      );
    });

    it('finds the latency regression and only that', async () => {
      const r = await service.analyze(request(SCENARIOS.latency));
      expect(classifications(r)).toEqual({
        'error rate': 'Pass',
        'p99 latency': 'High',
        'throughput per pod': 'Pass',
      });
      expect(r).toMatchObject({ verdict: 'Fail', score: 66.67 });
      const latency = r.metrics[1];
      // p99 of an exponential with scale 40 ms vs 75 ms, read through the buckets.
      expect(latency.baseline.mean).toBeGreaterThan(0.15);
      expect(latency.baseline.mean).toBeLessThan(0.2);
      expect(latency.canary.mean).toBeGreaterThan(0.3);
      expect(latency.canary.mean).toBeLessThan(0.4);
      expect(latency.statistics!.lower).toBeGreaterThan(
        latency.statistics!.tolerance.upper,
      );
      expect(latency.reason).toMatch(/^p99 latency is higher on the canary: /);
      expect(r.reason).toBe(
        'Score 66.67 < 75 (marginal). Not passing: p99 latency High.',
      );
    });

    it('finds the error-rate regression and only that', async () => {
      const r = await service.analyze(request(SCENARIOS.errors));
      expect(classifications(r)).toEqual({
        'error rate': 'High',
        'p99 latency': 'Pass',
        'throughput per pod': 'Pass',
      });
      expect(r).toMatchObject({ verdict: 'Fail', score: 66.67 });
      expect(r.metrics[0].guard).toMatchObject({
        passed: true,
        threshold: 0.01,
      });
      expect(r.metrics[0].reason).toMatch(
        /^error rate is higher on the canary: /,
      );
    });

    it('fails a canary without data and says why', async () => {
      const r = await service.analyze(request(SCENARIOS.noData));
      expect(classifications(r)).toEqual({
        'error rate': 'NoData',
        'p99 latency': 'NoData',
        'throughput per pod': 'NoData',
      });
      expect(r).toMatchObject({ verdict: 'Fail', score: 0 });
      expect(r.reason).toBe(
        'No data for 3 of 3 metrics (error rate, p99 latency and throughput per pod), too few to judge: check the selectors and that the canary receives traffic.',
      );
    });

    it('stores each analysis once per rollout, canary hash and step, and replays it', async () => {
      const first = await service.analyze(request(SCENARIOS.latency));
      const again = await service.analyze(request(SCENARIOS.latency));
      expect(again).toEqual({ ...first, replayed: true });
      const nextStep = await service.analyze(
        request(SCENARIOS.latency, { step: 4 }),
      );
      expect(nextStep.id).not.toBe(first.id);
      const listed = await service.list('component:default/shop');
      expect(listed.map(a => a.step).sort()).toEqual([2, 4]);
      expect(await service.get('component:default/shop', first.id)).toEqual({
        ...first,
        replayed: undefined,
      } as any);
      const audit = await knex('gantry_audit_log').where({
        action: 'canary.analyze',
      });
      expect(audit.length).toBeGreaterThanOrEqual(2);
    });

    it('answers an explained Error, never a Pass, when Prometheus is unreachable, and judges again next time', async () => {
      const down = make(
        new PrometheusClient({ url: 'http://127.0.0.1:1', timeoutMs: 2000 }),
      );
      const failed = await down.analyze(request(SCENARIOS.healthy));
      expect(failed).toMatchObject({ verdict: 'Error', score: 0 });
      expect(failed.reason).toMatch(
        /^Could not judge error rate, p99 latency and throughput per pod, so the canary is not passed: Prometheus at http:\/\/127\.0\.0\.1:1 did not answer /,
      );
      expect(failed.metrics.every(m => m.classification === 'Error')).toBe(
        true,
      );

      const retried = await service.analyze(request(SCENARIOS.healthy));
      expect(retried).toMatchObject({ verdict: 'Pass', replayed: false });
      expect(retried.id).not.toBe(failed.id);
      expect(await service.list('component:default/shop')).toHaveLength(1);
    });

    it('answers an explained Error for bad templates and unknown metric sets', async () => {
      const configured = make(prometheus().client, {
        metricSets: {
          broken: [
            {
              name: 'typo',
              query: 'sum(rate(http_requests_total{${selector}}[1m])',
            },
          ],
          noSelector: [{ name: 'all', query: 'sum(up)' }],
        },
      });
      const typo = await configured.analyze(
        request(SCENARIOS.healthy, { entity: entity('broken') }),
      );
      expect(typo.verdict).toBe('Error');
      expect(typo.reason).toMatch(
        /^Could not judge typo, so the canary is not passed: Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected sum\(rate\(http_requests_total\{namespace="shop",service="cart",rollouts_pod_template_hash="aaa111"\}\[1m\]\): .*\(bad_data\)\.$/,
      );

      const noSelector = await configured.analyze(
        request(SCENARIOS.healthy, { entity: entity('noSelector'), step: 3 }),
      );
      expect(noSelector).toMatchObject({
        verdict: 'Error',
        reason:
          "The metric set 'noSelector' in gantry.canary.metricSets is invalid: 0.query: must contain ${selector} where the baseline's or canary's label matchers go.",
      });

      const unknown = await configured.analyze(
        request(SCENARIOS.healthy, { entity: entity('jvm'), step: 5 }),
      );
      expect(unknown.reason).toBe(
        "The entity's gantry.dev/canary-analysis annotation names the metric set 'jvm', which gantry.canary.metricSets does not define (known: default, broken, noSelector).",
      );
    });

    it('migrates its table down and up again', async () => {
      const directory = resolvePackagePath(
        '@gantry/plugin-gantry-backend',
        'migrations',
      );
      await knex.migrate.down({
        directory,
        name: '20261126160000_canary_analyses.js',
      });
      expect(await knex.schema.hasTable('gantry_canary_analyses')).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('gantry_canary_analyses')).toBe(true);
    });

    it('answers an explained Error when Prometheus is not configured', async () => {
      const r = await make(undefined).analyze(request(SCENARIOS.healthy));
      expect(r).toMatchObject({
        verdict: 'Error',
        reason:
          'Prometheus is not configured, so the canary cannot be judged: set gantry.prometheus.baseUrl in app-config.',
      });
    });
  });
});
