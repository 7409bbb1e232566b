import { expect, test, type APIRequestContext } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { signInAsGuest } from './helpers';

// The live demo (scripts/lib/portal.sh): Debian's Prometheus scraping the synthetic
// traffic exporter, the SLO rules Gantry generates loaded into it, Alertmanager routing
// to Gantry. Every number checked here is read again from Prometheus by the test.
const backend = process.env.GANTRY_BACKEND_URL ?? 'http://localhost:7007';
const prometheus = process.env.GANTRY_PROMETHEUS_URL ?? 'http://127.0.0.1:7090';
const alertmanager =
  process.env.GANTRY_ALERTMANAGER_URL ?? 'http://127.0.0.1:7093';
const token = process.env.GANTRY_TOKEN ?? 'gantry-local-demo-token-change-me';
const headers = { Authorization: `Bearer ${token}` };
const api = (entity: string) =>
  `${backend}/api/gantry/entities/default/component/${entity}`;
/** search 4.2.0's commit: the production deployment the seed records before the burn. */
const SEARCH_420_COMMIT = '5e4a2c0b9d8f7e6a5b4c3d2e1f0a9b8c7d6e5f4a';

async function promQuery(
  request: APIRequestContext,
  query: string,
  time: number,
): Promise<number | null> {
  const res = await request.get(`${prometheus}/api/v1/query`, {
    params: { query, time: String(time) },
  });
  expect(res.status(), await res.text()).toBe(200);
  const { data } = await res.json();
  expect(data.result.length).toBeLessThanOrEqual(1);
  const v = data.result[0]?.value?.[1];
  return v === undefined ? null : Number(v);
}

async function promRange(
  request: APIRequestContext,
  query: string,
  window: { start: string; end: string; stepSeconds: number },
): Promise<number[]> {
  const res = await request.get(`${prometheus}/api/v1/query_range`, {
    params: {
      query,
      start: String(Date.parse(window.start) / 1000),
      end: String(Date.parse(window.end) / 1000),
      step: String(window.stepSeconds),
    },
  });
  expect(res.status(), await res.text()).toBe(200);
  const { data } = await res.json();
  return (data.result[0]?.values ?? [])
    .map(([, v]: [number, string]) => Number(v))
    .filter((v: number) => Number.isFinite(v));
}

/** checkout's SLI queries, as slos/checkout.yaml writes them. */
const checkoutSpec = fs.readFileSync(
  path.resolve(__dirname, '../../slos/checkout.yaml'),
  'utf8',
);
const specQuery = (key: string) =>
  new RegExp(`${key}: (.+)`).exec(checkoutSpec)![1].trim();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sliExpr = (spec: string, window: string) =>
  spec.replace(/\{\{\s*\.window\s*\}\}/g, window);

test('SLO budget and burn rate are computed from Prometheus and shown on the card', async ({
  page,
  request,
}) => {
  const at = Math.floor(Date.now() / 1000);
  const res = await request.get(`${api('checkout')}/slos`, {
    headers,
    params: { at: new Date(at * 1000).toISOString() },
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  expect(body.error).toBeUndefined();
  const slo = body.slos.find((s: any) => s.name === 'requests-availability');
  expect(slo).toBeDefined();

  // Prometheus, asked directly with the spec's own queries at the same instant
  const ratio = async (w: string) =>
    promQuery(
      request,
      `(${sliExpr(specQuery('error_query'), w)}) / (${sliExpr(
        specQuery('total_query'),
        w,
      )})`,
      at,
    );
  const period = await ratio('30d');
  const fiveMinutes = await ratio('5m');
  expect(period).not.toBeNull();
  expect(slo.errorRatio).toBeCloseTo(period!, 10);
  const budget = 1 - 99.9 / 100;
  expect(slo.budget.remaining).toBeCloseTo(1 - period! / budget, 6);
  expect(slo.currentBurnRate).toBeCloseTo(fiveMinutes! / budget, 6);
  // the demo's steady 0.05 % errors spend about half of a 0.1 % budget
  expect(slo.budget.remaining).toBeGreaterThan(0.3);
  expect(slo.budget.remaining).toBeLessThan(0.7);

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/delivery');
  await expect(
    page.getByText(/No Prometheus is configured/).first(),
  ).toHaveCount(0);
  const panel = page.getByTestId(`slo-${slo.id}`);
  const shown = panel.getByTestId('budget-text');
  await expect(shown).toContainText('% left');
  // the card's own reading, a moment later: the same Prometheus numbers
  const percent = Number(/([\d.]+) % left/.exec(await shown.innerText())![1]);
  const now = await ratio('30d');
  expect(Math.abs(percent - (1 - now! / budget) * 100)).toBeLessThan(1);
  await page.screenshot({ path: 'artifacts/live-slo.png', fullPage: true });
});

test('canary analyses are judged from Prometheus: checkout passes, payment-gateway fails', async ({
  page,
  request,
}) => {
  for (const [entity, verdict] of [
    ['checkout', 'Pass'],
    ['payment-gateway', 'Fail'],
  ]) {
    const res = await request.get(`${api(entity)}/canary/analyses`, {
      headers,
    });
    expect(res.status(), await res.text()).toBe(200);
    const { items } = await res.json();
    const analysis = items.find((a: any) => a.verdict !== 'Error');
    expect(analysis, `${entity} has a judged canary analysis`).toBeDefined();
    expect(analysis.verdict).toBe(verdict);
    // the error-rate samples the judge read are Prometheus's for the same window
    const errors = analysis.metrics.find((m: any) => m.name === 'error rate');
    const canary = await promRange(
      request,
      errors.queries.canary,
      analysis.window,
    );
    const baseline = await promRange(
      request,
      errors.queries.baseline,
      analysis.window,
    );
    expect(canary.length).toBeGreaterThan(3);
    expect(errors.canary.mean).toBeCloseTo(mean(canary), 6);
    expect(errors.baseline.mean).toBeCloseTo(mean(baseline), 6);
    if (verdict === 'Fail') {
      expect(mean(canary)).toBeGreaterThan(0.01);
    } else {
      expect(mean(canary)).toBeLessThan(0.01);
    }
  }

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/delivery');
  await expect(page.getByText(/Pass · score \d+/).first()).toBeVisible();
});

test('flag usage sits beside the error rate Prometheus reports, and the experiment has data', async ({
  page,
  request,
}) => {
  const res = await request.get(`${api('checkout')}/flags/usage`, {
    headers,
    params: { environment: 'staging', hours: '1' },
  });
  expect(res.status(), await res.text()).toBe(200);
  const usage = await res.json();
  expect(usage.metrics.status).toBe('ok');
  const evaluations = usage.rows
    .filter((r: any) => r.key === 'new-checkout-flow')
    .reduce((n: number, r: any) => n + (r.count ?? 0), 0);
  expect(evaluations).toBeGreaterThanOrEqual(400);
  // the latest error-rate point is Prometheus's value at that instant
  const [t, v] = usage.metrics.errorRate[usage.metrics.errorRate.length - 1];
  const direct = await promQuery(
    request,
    `sum(rate(http_requests_total{${usage.metrics.selector},code=~"5.."}[1m])) / sum(rate(http_requests_total{${usage.metrics.selector}}[1m]))`,
    t,
  );
  // (relative: a scrape ingested after Gantry read may move the newest point a little)
  expect(Math.abs(v - direct!) / direct!).toBeLessThan(0.01);

  const experiment = await (
    await request.get(
      `${api('checkout')}/flags/staging/new-checkout-flow/experiment`,
      { headers },
    )
  ).json();
  const exposures = experiment.variants.reduce(
    (n: number, x: any) => n + x.exposures,
    0,
  );
  expect(exposures).toBeGreaterThanOrEqual(400);
  expect(
    experiment.variants.reduce((n: number, x: any) => n + x.conversions, 0),
  ).toBeGreaterThan(0);

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout/flags');
  await expect(page.getByText('Evaluations').first()).toBeVisible();
  await expect(page.getByText('No evaluations recorded')).toHaveCount(0);
});

test('a real burn-rate alert (Prometheus -> Alertmanager -> Gantry) opens an incident naming the suspect release', async ({
  page,
  request,
}) => {
  test.setTimeout(360_000);
  // The seed recorded search 4.2.0 reaching production and started a burn; the page
  // alert fires within a couple of minutes of it. Bounded wait: 5 minutes.
  let incident: any;
  const deadline = Date.now() + 300_000;
  while (!incident && Date.now() < deadline) {
    const res = await request.get(`${api('search')}/incidents`, { headers });
    expect(res.status(), await res.text()).toBe(200);
    incident = (await res.json()).items.find((i: any) =>
      i.title.startsWith('SearchHighErrorRate'),
    );
    if (!incident) await page.waitForTimeout(5000);
  }
  expect(incident, 'an incident opened by SearchHighErrorRate').toBeDefined();
  expect(incident.suspect?.revision).toBe(SEARCH_420_COMMIT);
  expect(incident.suspect?.environment).toBe('production');

  // Prometheus fired it from the rules Gantry generated (within the last hour)...
  const fired = await request.get(`${prometheus}/api/v1/query`, {
    params: {
      query:
        'max_over_time(ALERTS{alertname="SearchHighErrorRate",alertstate="firing",gantry_entity="component:default/search"}[1h])',
    },
  });
  expect((await fired.json()).data.result.length).toBeGreaterThan(0);
  // ...and Alertmanager delivered it: the incident's alerts link back to that Prometheus
  const detail = await request.get(
    `${api('search')}/incidents/${incident.id}`,
    { headers },
  );
  expect(detail.status(), await detail.text()).toBe(200);
  expect(JSON.stringify(await detail.json())).toContain(':7090/graph?');

  await signInAsGuest(page);
  await page.goto('/catalog/default/component/search/delivery');
  const card = page.locator('.MuiCard-root', { hasText: 'Incidents' });
  await card
    .getByRole('button', { name: /SearchHighErrorRate/ })
    .first()
    .click();
  await expect(page.getByRole('dialog').getByTestId('suspect')).toContainText(
    `Suspect release: ${SEARCH_420_COMMIT.slice(0, 7)} deployed to production`,
  );
  await page.screenshot({
    path: 'artifacts/live-incident.png',
    fullPage: true,
  });
});
