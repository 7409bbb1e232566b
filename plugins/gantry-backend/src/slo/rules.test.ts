import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { promtool } from '../__testUtils__/prometheus';
import { parseSloSpec } from './parseSloSpec';
import { generateRuleGroups } from './rules';
import { prometheusRule, rulesFile } from './rulesOutput';

jest.setTimeout(60_000);

const fixture = (name: string) =>
  readFile(join(__dirname, '__fixtures__', name), 'utf8');
const RUNBOOK = 'http://localhost:3000/catalog/default/component/checkout/docs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-slo-rules-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function slothRules() {
  const slos = parseSloSpec(
    await fixture('sloth-checkout.yaml'),
    'sloth-checkout.yaml',
  );
  return generateRuleGroups(slos, { runbookUrl: RUNBOOK });
}

describe('generated rules', () => {
  it('use Sloth rule names, labels and expressions', async () => {
    const groups = await slothRules();
    expect(groups.map(g => g.name)).toEqual([
      'sloth-slo-sli-recordings-checkout-requests-availability',
      'sloth-slo-meta-recordings-checkout-requests-availability',
      'sloth-slo-alerts-checkout-requests-availability',
      'sloth-slo-sli-recordings-checkout-latency-raw',
      'sloth-slo-meta-recordings-checkout-latency-raw',
    ]);
    const [sli, meta, alerts] = groups;
    expect(sli.rules.map(r => ('record' in r ? r.record : r.alert))).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error:ratio_rate30d',
    ]);
    expect(sli.rules[0]).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr: '(sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m])))\n/\n(sum(rate(http_requests_total{service="checkout"}[5m])))\n',
      labels: {
        owner: 'payments',
        sloth_id: 'checkout-requests-availability',
        sloth_service: 'checkout',
        sloth_slo: 'requests-availability',
        sloth_window: '5m',
        tier: '1',
      },
    });
    expect(sli.rules[7]).toEqual({
      record: 'slo:sli_error:ratio_rate30d',
      expr: 'sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"}[30d])\n',
      labels: {
        sloth_id: 'checkout-requests-availability',
        sloth_service: 'checkout',
        sloth_slo: 'requests-availability',
        sloth_window: '30d',
      },
    });
    const exprOf = (name: string) =>
      meta.rules.find(r => 'record' in r && r.record === name)!.expr;
    expect(exprOf('slo:objective:ratio')).toBe('vector(0.9990000000000001)');
    expect(exprOf('slo:error_budget:ratio')).toBe(
      'vector(1-0.9990000000000001)',
    );
    expect(exprOf('slo:time_period:days')).toBe('vector(30)');
    expect(exprOf('slo:current_burn_rate:ratio')).toBe(
      'slo:sli_error:ratio_rate5m{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"}\n',
    );
    const sel =
      '{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"}';
    expect(alerts.rules[0]).toEqual({
      alert: 'CheckoutHighErrorRate',
      expr: `(\n    max(slo:sli_error:ratio_rate5m${sel} > (14.4 * 0.0009999999999999432)) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate1h${sel} > (14.4 * 0.0009999999999999432)) without (sloth_window)\n)\nor\n(\n    max(slo:sli_error:ratio_rate30m${sel} > (6 * 0.0009999999999999432)) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate6h${sel} > (6 * 0.0009999999999999432)) without (sloth_window)\n)\n`,
      labels: {
        route: 'pager',
        severity: 'page',
        sloth_severity: 'page',
        team: 'payments',
      },
      annotations: {
        dashboard: 'https://grafana.example.com/d/slo-detail',
        runbook_url: RUNBOOK,
        summary:
          '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
        title:
          '(page) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.',
      },
    });
    expect(alerts.rules[1].expr).toContain(
      'max(slo:sli_error:ratio_rate2h{sloth_id="checkout-requests-availability", sloth_service="checkout", sloth_slo="requests-availability"} > (3 * 0.0009999999999999432)) without (sloth_window)',
    );
    expect(alerts.rules[1].expr).toContain('ratio_rate3d');
  });

  it('derive window factors and names from a 28 day period (OpenSLO)', async () => {
    const slos = parseSloSpec(
      await fixture('openslo-checkout.yaml'),
      'openslo-checkout.yaml',
    );
    const groups = generateRuleGroups(slos);
    const sli = groups[0].rules as Array<{ record: string; expr: string }>;
    // Prometheus renders 28d as 4w, and so do Sloth's rule names.
    expect(sli[7].record).toBe('slo:sli_error:ratio_rate4w');
    expect(sli[0].expr).toBe(
      '((sum(rate(http_requests_total{service="checkout"}[5m]))) - (sum(rate(http_requests_total{service="checkout",code!~"5.."}[5m]))))\n/\n(sum(rate(http_requests_total{service="checkout"}[5m])))\n',
    );
    const alerts = groups[2].rules as Array<{
      alert: string;
      expr: string;
      annotations: Record<string, string>;
    }>;
    expect(alerts.map(a => a.alert)).toEqual([
      'CheckoutAvailabilityPage',
      'checkout-ticket',
    ]);
    // Same float operations as Sloth: (budget% × period hours / 100) / long window hours.
    expect(alerts[0].expr).toContain('> (13.44 * 0.005)');
    expect(alerts[0].expr).toContain('> (5.6000000000000005 * 0.005)');
    expect(alerts[1].expr).toContain('> (2.8000000000000003 * 0.005)');
    expect(alerts[1].expr).toContain('> (0.9333333333333333 * 0.005)');
    expect(alerts[1].annotations.runbook_url).toBe(
      'https://runbooks.example.com/checkout-availability',
    );
  });

  it('pass promtool check rules, as a rules file and inside a PrometheusRule', async () => {
    const groups = await slothRules();
    const file = join(dir, 'checkout.rules.yml');
    await writeFile(file, rulesFile(groups));
    const out = await promtool(['check', 'rules', file]);
    expect(out).toContain('SUCCESS: 32 rules found');

    const object = parse(
      prometheusRule(groups, { name: 'checkout-slos', namespace: 'shop' }),
    );
    expect(object).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'checkout-slos',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'gantry' },
      },
    });
    const openslo = join(dir, 'openslo.rules.yml');
    await writeFile(
      openslo,
      rulesFile(
        generateRuleGroups(
          parseSloSpec(await fixture('openslo-checkout.yaml'), 'openslo.yaml'),
        ),
      ),
    );
    expect(await promtool(['check', 'rules', openslo])).toContain(
      'SUCCESS: 17 rules found',
    );

    const fromObject = join(dir, 'from-prometheusrule.yml');
    await writeFile(fromObject, stringify({ groups: object.spec.groups }));
    expect(await promtool(['check', 'rules', fromObject])).toContain(
      'SUCCESS: 32 rules found',
    );
  });

  it('page within 19 minutes of a 50x burn and stay silent on a 5x burn (promtool test rules)', async () => {
    await writeFile(join(dir, 'slo.rules.yml'), rulesFile(await slothRules()));
    const sloLabels = {
      owner: 'payments',
      sloth_id: 'checkout-requests-availability',
      sloth_service: 'checkout',
      sloth_slo: 'requests-availability',
      tier: '1',
    };
    const alert = (severity: 'page' | 'ticket') => ({
      exp_labels: {
        ...sloLabels,
        severity,
        sloth_severity: severity,
        team: 'payments',
        route: severity === 'page' ? 'pager' : 'tickets',
      },
      exp_annotations: {
        title: `(${severity}) checkout requests-availability SLO error budget burn rate is too fast.`,
        summary:
          'checkout requests-availability SLO error budget burn rate is over expected.',
        runbook_url: RUNBOOK,
        dashboard: 'https://grafana.example.com/d/slo-detail',
      },
    });
    const series = (code: string, values: string) => ({
      series: `http_requests_total{service="checkout",code="${code}"}`,
      values,
    });
    const at = (minutes: number, exp: Array<'page' | 'ticket'>) => ({
      eval_time: `${minutes}m`,
      alertname: 'CheckoutHighErrorRate',
      exp_alerts: exp.map(alert),
    });
    // 6 hours at 10 req/s without errors, then the burn starts at minute 360.
    const tests = {
      rule_files: ['slo.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 5 % errors = 50x the 0.1 % budget. The 1h window crosses 14.4x after
          // 60 min × 14.4 / 50 = 17.28 min, so the page fires at the 18th minute, or
          // the 19th: promtool evaluates the recording and alerting groups in no fixed
          // order, so an alert may read the recorded ratios of the minute before.
          interval: '1m',
          input_series: [
            series('200', '0+600x360 216570+570x120'),
            series('500', '0+0x360 30+30x120'),
          ],
          alert_rule_test: [
            at(360, []),
            at(377, ['ticket']),
            at(379, ['page', 'ticket']),
            at(420, ['page', 'ticket']),
          ],
        },
        {
          // 0.5 % errors = 5x: over a day it spends 17 % of the budget, a ticket, never a page.
          interval: '1m',
          input_series: [
            series('200', '0+600x360 216597+597x1440'),
            series('500', '0+0x360 3+3x1440'),
          ],
          alert_rule_test: [
            at(420, []),
            at(540, ['ticket']),
            at(720, ['ticket']),
            at(1080, ['ticket']),
            at(1800, ['ticket']),
          ],
        },
      ],
    };
    await writeFile(join(dir, 'slo.test.yml'), stringify(tests));
    const out = await promtool(['test', 'rules', 'slo.test.yml'], { cwd: dir });
    expect(out).toContain('SUCCESS');
  });
});
