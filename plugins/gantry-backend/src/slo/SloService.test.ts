import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { PrometheusClient } from '../providers/PrometheusClient';
import { parseSloSpec } from './parseSloSpec';
import { generateRuleGroups, sloIdLabels, labelFilter } from './rules';
import { rulesFile } from './rulesOutput';
import { SloService } from './SloService';
import { SloSpecLoader } from './SloSpecLoader';
import { checkoutTraffic } from './__testUtils__/checkoutTraffic';
import { noReader, sloEntity } from './__testUtils__/sloEntity';

jest.setTimeout(180_000);

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const T = alignedEvalTime();

// Hand-computed from the traffic profile (__testUtils__/checkoutTraffic.ts): 10 req/s, errors
// 0.005/s, a 0.1/s incident day 20 days ago, 0.1/s then 0.2/s in the last hour.
// Errors in (T - w, T]:
const BASE = 0.005;
const burn = 0.2 * 30 * MIN + 0.1 * 30 * MIN; // last hour: 540 errors
const incidentExtra = (0.1 - BASE) * DAY; // 8208 errors above the baseline
const errorsIn = (seconds: number, incident = false) =>
  burn + BASE * (seconds - HOUR) + (incident ? incidentExtra : 0);
const ratioIn = (seconds: number, incident = false) =>
  errorsIn(seconds, incident) / (10 * seconds);
const expected = {
  '5m': 0.2 / 10,
  '30m': 0.2 / 10,
  '1h': burn / (10 * HOUR),
  '2h': ratioIn(2 * HOUR),
  '6h': ratioIn(6 * HOUR),
  '1d': ratioIn(DAY),
  '3d': ratioIn(3 * DAY),
  '30d': ratioIn(30 * DAY, true),
  '28d': ratioIn(28 * DAY, true),
};

/** Within 0.1 % of the hand-computed value. */
const near = (actual: number | null | undefined, want: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - want) / Math.abs(want)).toBeLessThan(
    0.001,
  );
};

const entity = sloEntity;

describe('SloService against the real Prometheus', () => {
  const slothSlos = parseSloSpec(fixture('sloth-checkout.yaml'), 'sloth.yaml');
  const groups = generateRuleGroups(slothSlos);
  const prometheus = usePrometheus(() => ({
    series: checkoutTraffic(T),
    // Loaded for live evaluation: Prometheus must accept the generated rules.
    ruleFiles: { 'slo.rules.yml': rulesFile(groups) },
  }));
  const service = () =>
    new SloService({
      specs: new SloSpecLoader({ reader: noReader }),
      prometheus: prometheus().client,
    });

  it('computes burn rates, budget and alerts of a 30d Sloth SLO equal to the hand-computed values', async () => {
    const result = await service().forEntity(
      entity({ 'gantry.dev/slos': fixture('sloth-checkout.yaml') }),
      'component:default/checkout',
      new Date(T * 1000),
    );
    expect(result.error).toBeUndefined();
    expect(result.definitions.map(d => d.id)).toEqual([
      'checkout-requests-availability',
      'checkout-latency-raw',
    ]);
    const [slo, latency] = result.slos;
    const B = 0.001;
    for (const r of slo.burnRates) {
      near(r.errorRatio, expected[r.window as keyof typeof expected]);
      near(r.burnRate, expected[r.window as keyof typeof expected] / B);
    }
    expect(slo.burnRates.map(r => r.window)).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
    ]);
    near(slo.currentBurnRate, 20);
    near(slo.errorRatio, expected['30d']);
    near(slo.sli, 1 - expected['30d']);
    near(slo.budget.total, B);
    near(slo.budget.consumed, expected['30d'] / B);
    near(slo.budget.remaining, 1 - expected['30d'] / B);
    // 0.1 % of 30 days = 43.2 minutes of full outage.
    near(slo.budget.totalMinutes, 43.2);
    near(slo.budget.remainingMinutes, 43.2 * (1 - expected['30d'] / B));

    // 5m (20x) and 1h (15x) both above 14.4x: the page fires; no ticket pair holds.
    const [page, ticket] = slo.alerts;
    expect(page).toMatchObject({
      severity: 'page',
      name: 'CheckoutHighErrorRate',
      firing: true,
    });
    expect(
      page.conditions.map(c => [
        c.shortWindow,
        c.longWindow,
        c.factor,
        c.firing,
      ]),
    ).toEqual([
      ['5m', '1h', 14.4, true],
      ['30m', '6h', 6, false],
    ]);
    expect(ticket.firing).toBe(false);
    expect(ticket.conditions.map(c => c.factor)).toEqual([3, 1]);

    // Budget history every 12 h over the period; 10 days ago the window held the
    // incident and 21 days of baseline.
    expect(slo.budgetHistory).toHaveLength(61);
    expect(slo.budgetHistory[60]).toEqual({
      time: new Date(T * 1000).toISOString(),
      remaining: slo.budget.remaining,
    });
    const tenDaysAgo = slo.budgetHistory[40];
    expect(tenDaysAgo.time).toBe(new Date((T - 10 * DAY) * 1000).toISOString());
    const errors = BASE * 21 * DAY + incidentExtra;
    near(tenDaysAgo.remaining, 1 - errors / (10 * 21 * DAY) / B);
    // 30 days ago the window held only the first day of data, at the baseline.
    near(slo.budgetHistory[0].remaining, 1 - BASE / 10 / B);

    // The raw latency SLI reads histograms this Prometheus does not have: no data.
    expect(latency.sli).toBeNull();
    expect(latency.budget.remaining).toBeNull();
    expect(latency.burnRates.every(r => r.burnRate === null)).toBe(true);
    expect(latency.alerts.every(a => !a.firing && a.name === undefined)).toBe(
      true,
    );
  });

  it('uses the 28d period and 99.5 % target of an OpenSLO spec', async () => {
    const result = await service().forEntity(
      entity({ 'gantry.dev/slos': fixture('openslo-checkout.yaml') }),
      'component:default/checkout',
      new Date(T * 1000),
    );
    const [slo] = result.slos;
    const B = 0.005;
    expect(slo).toMatchObject({
      period: '4w',
      objective: 99.5,
      format: 'openslo/v1',
    });
    near(slo.budget.remaining, 1 - expected['28d'] / B);
    near(
      slo.burnRates.find(r => r.window === '1h')!.burnRate,
      expected['1h'] / B,
    );
    // 13.44x over 5m (4x) is not reached at 99.5 %: no page.
    expect(slo.alerts[0].firing).toBe(false);
    expect(slo.alerts[0].conditions[0].factor).toBe(13.44);
  });

  it('matches the generated recording rules evaluated over the same history', async () => {
    const h = prometheus();
    const rules = await (await fetch(`${h.url}/api/v1/rules`)).json();
    expect(rules.data.groups.map((g: { name: string }) => g.name)).toContain(
      'sloth-slo-alerts-checkout-requests-availability',
    );
    expect(
      rules.data.groups
        .flatMap((g: { rules: Array<{ health: string }> }) =>
          g.rules.map(r => r.health),
        )
        .every((x: string) => x !== 'err'),
    ).toBe(true);

    const pick = (part: string) => groups.filter(g => g.name.includes(part));
    // Burn-rate rules read slo:error_budget:ratio of the same group: two meta stages.
    const meta = rulesFile(pick('-meta-recordings-'));
    await h.backfillRules([rulesFile(pick('-sli-recordings-')), meta, meta], {
      start: T - 3 * HOUR,
      end: T + 300,
      // every minute, as the data: with a 5-minute interval a group whose per-run
      // offset falls late in it leaves no sample within the lookback from T + 300
      evalIntervalSeconds: 60,
    });
    // promtool evaluates each group at its own offset within the interval (as
    // Prometheus does), so compare at the time of the last recorded sample.
    const sel = labelFilter(sloIdLabels(slothSlos[0]));
    const client = new PrometheusClient({ url: h.url });
    const at = (await client.queryScalar(
      `timestamp(slo:sli_error:ratio_rate5m${sel})`,
      T + 300,
    ))!;
    expect(at).toBeGreaterThan(T);
    const [status] = (
      await service().forEntity(
        entity({ 'gantry.dev/slos': fixture('sloth-checkout.yaml') }),
        'component:default/checkout',
        new Date(at * 1000),
      )
    ).slos;
    for (const r of status.burnRates) {
      near(
        await client.queryScalar(
          `slo:sli_error:ratio_rate${r.window}${sel}`,
          at,
        ),
        r.errorRatio!,
      );
    }
    near(
      await client.queryScalar(`slo:current_burn_rate:ratio${sel}`, at),
      status.currentBurnRate!,
    );
    // The alerts' own expressions over the recorded series agree with the status.
    const [pageRule, ticketRule] = groups[2].rules;
    expect(status.alerts.map(a => a.firing)).toEqual([true, false]);
    expect(await client.query(pageRule.expr, at)).toHaveLength(1);
    expect(await client.query(ticketRule.expr, at)).toEqual([]);
  });

  it('reports no data for SLOs whose series do not exist', async () => {
    const spec = fixture('sloth-checkout.yaml').replace(
      /service="checkout"/g,
      'service="nobody"',
    );
    const result = await service().forEntity(
      entity({ 'gantry.dev/slos': spec }),
      'component:default/checkout',
      new Date(T * 1000),
    );
    expect(result.error).toBeUndefined();
    expect(result.slos[0]).toMatchObject({
      sli: null,
      errorRatio: null,
      currentBurnRate: null,
    });
    expect(result.slos[0].budget).toMatchObject({
      consumed: null,
      remaining: null,
      remainingMinutes: null,
    });
    expect(result.slos[0].alerts.map(a => a.firing)).toEqual([false, false]);
  });

  it("says why when Prometheus rejects a spec's query", async () => {
    const spec = fixture('sloth-checkout.yaml').replace(
      'sum(rate(http_requests_total{service="checkout"}[{{.window}}]))',
      'sum(rate(http_requests_total{service="checkout"}[{{.window}}])',
    );
    const result = await service().forEntity(
      entity({ 'gantry.dev/slos': spec }),
      'component:default/checkout',
      new Date(T * 1000),
    );
    expect(result.slos).toEqual([]);
    expect(result.definitions).toHaveLength(2);
    expect(result.error).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected .*parse error: unclosed left parenthesis/s,
    );
  });
});

describe('SloService without Prometheus', () => {
  it('still lists the declared SLOs and says Prometheus is not configured', async () => {
    const result = await new SloService({
      specs: new SloSpecLoader({ reader: noReader }),
    }).forEntity(
      entity({ 'gantry.dev/slos': fixture('sloth-checkout.yaml') }),
      'component:default/checkout',
    );
    expect(result.definitions).toHaveLength(2);
    expect(result.slos).toEqual([]);
    expect(result.error).toBe(
      'No Prometheus is configured. Set gantry.prometheus.baseUrl in app-config.yaml to compute error budgets.',
    );
  });

  it('answers nothing to compute for an entity without SLOs', async () => {
    const result = await new SloService({
      specs: new SloSpecLoader({ reader: noReader }),
    }).forEntity(entity({}), 'component:default/checkout');
    expect(result).toMatchObject({ definitions: [], slos: [] });
    expect(result.error).toBeUndefined();
  });
});
