import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { promtool } from '../__testUtils__/prometheus';
import { parseSloSpec } from './parseSloSpec';
import { generateRuleGroups } from './rules';
import { capacityRuleGroups } from './rulesCapacity';
import { rulesFile } from './rulesOutput';

jest.setTimeout(120_000);

const RUNBOOK = 'http://localhost:3000/catalog/default/component/checkout/docs';
const ENTITY = 'component:default/checkout';
const DAY_MIN = 1440;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-capacity-rules-'));
  const slos = parseSloSpec(
    await readFile(
      join(__dirname, '__fixtures__', 'sloth-checkout.yaml'),
      'utf8',
    ),
    'sloth-checkout.yaml',
  );
  const groups = [
    ...generateRuleGroups(slos, { runbookUrl: RUNBOOK }),
    ...capacityRuleGroups(slos, {
      entityRef: ENTITY,
      container: 'checkout',
      runbookUrl: RUNBOOK,
    }),
  ];
  await writeFile(join(dir, 'checkout.rules.yml'), rulesFile(groups));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function promtoolTest(tests: unknown[]) {
  await writeFile(
    join(dir, 'capacity.test.yml'),
    stringify(
      {
        rule_files: ['checkout.rules.yml'],
        evaluation_interval: '1m',
        tests,
      },
      { lineWidth: 0 },
    ),
  );
  return promtool(['test', 'rules', 'capacity.test.yml'], { cwd: dir });
}

/** A counter scraped every minute for `minutes` whose rate (per second) is `perSecond(minute)`. */
const counter = (minutes: number, perSecond: (m: number) => number) => {
  let v = 0;
  const values = [0];
  for (let m = 1; m <= minutes; m++) {
    v += perSecond(m) * 60;
    values.push(Math.round(v * 1e6) / 1e6);
  }
  return values.join(' ');
};

const pod = (namespace: string) => ({
  namespace,
  pod: `checkout-5b8d9c7f4c-${
    namespace === 'shop-production' ? 'x7k2p' : 'q9m4t'
  }`,
  container: 'checkout',
});
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
const cadvisor = (metric: string, namespace: string, values: string) => ({
  series: `${metric}${labels({
    ...pod(namespace),
    id: `/kubepods/burstable/pod-${namespace}/checkout`,
    image: 'registry.example.com/shop/checkout:1.4.2',
    job: 'kubelet',
    metrics_path: '/metrics/cadvisor',
  })}`,
  values,
});
const limit = (namespace: string, resource: string, value: number) => ({
  series: `kube_pod_container_resource_limits${labels({
    ...pod(namespace),
    job: 'kube-state-metrics',
    node: 'node-1',
    resource,
    uid: `uid-${namespace}`,
    unit: resource === 'cpu' ? 'core' : 'byte',
  })}`,
  values: `${value}+0x${2 * DAY_MIN}`,
});
const hpa = (metric: string, namespace: string, values: string) => ({
  series: `kube_horizontalpodautoscaler_${metric}${labels({
    horizontalpodautoscaler: 'checkout',
    job: 'kube-state-metrics',
    namespace,
  })}`,
  values,
});
const annotations = (title: string, summary: string) => ({
  title,
  summary,
  runbook_url: RUNBOOK,
});
const capacityAlert = (
  kind: string,
  extra: Record<string, string>,
  exp_annotations: Record<string, string>,
) => ({
  exp_labels: {
    gantry_entity: ENTITY,
    severity: 'ticket',
    gantry_capacity: kind,
    ...extra,
  },
  exp_annotations,
});

describe('capacity rules', () => {
  it('pass promtool check rules beside the SLO rules', async () => {
    const out = await promtool([
      'check',
      'rules',
      join(dir, 'checkout.rules.yml'),
    ]);
    // 32 Sloth rules + 2 recordings + 5 resource/HPA alerts + one budget forecast per SLO.
    expect(out).toContain('SUCCESS: 41 rules found');
  });

  it('forecast CPU to the limit, see memory saturated and the HPA at max, and stay silent elsewhere (promtool test rules)', async () => {
    const minutes = 2 * DAY_MIN;
    // production CPU grows 0.15 core a day from 0.3 (0.6 of 1 core after 2 days: 1.65
    // in 7 days); staging stays at 0.5. production memory grows ~2 % of the limit a day
    // from 40 % (44 % after 2 days, 58 % in 7 more); staging holds 92 % of its limit.
    const input_series = [
      cadvisor(
        'container_cpu_usage_seconds_total',
        'shop-production',
        counter(minutes, m => 0.3 + (0.15 * m) / DAY_MIN),
      ),
      cadvisor(
        'container_cpu_usage_seconds_total',
        'shop-staging',
        counter(minutes, () => 0.5),
      ),
      cadvisor(
        'container_memory_working_set_bytes',
        'shop-production',
        `400000000+14000x${minutes}`,
      ),
      cadvisor(
        'container_memory_working_set_bytes',
        'shop-staging',
        `920000000+0x${minutes}`,
      ),
      limit('shop-production', 'cpu', 1),
      limit('shop-staging', 'cpu', 1),
      limit('shop-production', 'memory', 1e9),
      limit('shop-staging', 'memory', 1e9),
      // production's HPA has sat at 10 of 10 for the last 20 minutes; staging's at 3 of 10.
      hpa(
        'status_current_replicas',
        'shop-production',
        `4+0x${minutes - 20} 10+0x20`,
      ),
      hpa('spec_max_replicas', 'shop-production', `10+0x${minutes}`),
      hpa('status_current_replicas', 'shop-staging', `3+0x${minutes}`),
      hpa('spec_max_replicas', 'shop-staging', `10+0x${minutes}`),
    ];
    const at = (
      eval_time: string,
      alertname: string,
      exp_alerts: unknown[],
    ) => ({
      eval_time,
      alertname,
      exp_alerts,
    });
    const production = { namespace: 'shop-production', container: 'checkout' };
    const out = await promtoolTest([
      {
        interval: '1m',
        input_series,
        promql_expr_test: [
          {
            expr: 'namespace_container:container_memory_working_set_bytes:ratio_limit',
            eval_time: '2d',
            exp_samples: [
              {
                labels: `namespace_container:container_memory_working_set_bytes:ratio_limit{container="checkout",gantry_entity="${ENTITY}",namespace="shop-production"}`,
                value: 0.44032,
              },
              {
                labels: `namespace_container:container_memory_working_set_bytes:ratio_limit{container="checkout",gantry_entity="${ENTITY}",namespace="shop-staging"}`,
                value: 0.92,
              },
            ],
          },
        ],
        alert_rule_test: [
          at('2d', 'ContainerCpuLimitForecast', [
            capacityAlert(
              'cpu',
              production,
              annotations(
                'checkout in shop-production reaches its CPU limits within 7 days at the current trend.',
                'predict_linear over the last 1d puts CPU use at or over the limits within 7 days.',
              ),
            ),
          ]),
          // The same trend with 5 hours of history: too young to forecast from.
          at('5h', 'ContainerCpuLimitForecast', []),
          at('2d', 'ContainerCpuSaturated', []),
          at('2d', 'ContainerMemoryLimitForecast', []),
          at('2d', 'ContainerMemorySaturated', [
            capacityAlert(
              'memory',
              { namespace: 'shop-staging', container: 'checkout' },
              annotations(
                'checkout in shop-staging uses 92% of its memory limits.',
                "Use of memory is over 90 % of the containers' limits (OOM kills ahead).",
              ),
            ),
          ]),
          // at max for 10 minutes: pending, not yet firing; after 15 it fires.
          at(`${minutes - 10}m`, 'HpaAtMaxReplicas', []),
          at('2d', 'HpaAtMaxReplicas', [
            capacityAlert(
              'replicas',
              {
                namespace: 'shop-production',
                horizontalpodautoscaler: 'checkout',
              },
              annotations(
                'HPA shop-production/checkout has run at its maximum replicas for 15 minutes.',
                'The autoscaler cannot add pods: raise maxReplicas or the limits before load grows further.',
              ),
            ),
          ]),
        ],
      },
    ]);
    expect(out).toContain('SUCCESS');
  });

  it('forecast the error budget running out at a 1.5x burn, not at 0.2x (promtool test rules)', async () => {
    const requests = (errorRatio: number) => {
      const errors = 600 * errorRatio;
      return [
        {
          series: 'http_requests_total{service="checkout",code="200"}',
          values: `0+600x${DAY_MIN} ${DAY_MIN * 600 + 600 - errors}+${
            600 - errors
          }x${DAY_MIN}`,
        },
        {
          series: 'http_requests_total{service="checkout",code="500"}',
          values: `0+0x${DAY_MIN} ${errors}+${errors}x${DAY_MIN}`,
        },
      ];
    };
    const budgetAlert = {
      exp_labels: {
        gantry_entity: ENTITY,
        severity: 'ticket',
        gantry_capacity: 'error-budget',
        owner: 'payments',
        sloth_id: 'checkout-requests-availability',
        sloth_service: 'checkout',
        sloth_slo: 'requests-availability',
        // Sloth's remaining-budget series keeps the period ratio's window label.
        sloth_window: '30d',
        tier: '1',
      },
      exp_annotations: annotations(
        'checkout requests-availability error budget runs out within 7 days at the current burn.',
        'predict_linear over the last 1d of the remaining error budget reaches 0 within 7 days.',
      ),
    };
    // A clean first day, then errors: remaining = 1 - burn × (t - 1 d) / t, i.e. 25 % left
    // after 2 days at 1.5x and falling ~0.75 a day; 90 % left at 0.2x, falling ~0.1 a day.
    const out = await promtoolTest([
      {
        interval: '1m',
        input_series: requests(0.0015),
        alert_rule_test: [
          {
            eval_time: '2d',
            alertname: 'ErrorBudgetExhaustionForecast',
            exp_alerts: [budgetAlert],
          },
        ],
      },
      {
        interval: '1m',
        input_series: requests(0.0002),
        alert_rule_test: [
          {
            eval_time: '2d',
            alertname: 'ErrorBudgetExhaustionForecast',
            exp_alerts: [],
          },
        ],
      },
    ]);
    expect(out).toContain('SUCCESS');
  });
});
