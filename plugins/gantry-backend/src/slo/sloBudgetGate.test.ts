import { createServer } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { PrometheusClient } from '../providers/PrometheusClient';
import { sloBudgetGate } from './sloBudgetGate';
import { readSloConfig } from './sloConfig';
import { SloService } from './SloService';
import { SloSpecLoader } from './SloSpecLoader';
import { ConfigReader } from '@backstage/config';

const spec = `version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      page_alert: {disable: true}
      ticket_alert: {disable: true}
`;
const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
});
const specs = new SloSpecLoader({ reader: {} as any });
const config = readSloConfig(new ConfigReader({}));

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>(r => srv.close(() => r()));
  return port;
}

describe('slo-budget gate signal', () => {
  it('does not apply to entities without SLOs', async () => {
    const gate = sloBudgetGate({ slos: new SloService({ specs }), config });
    expect(await gate.evaluate(entity({}), '1.0.0', 'production')).toEqual({
      rule: 'slo-budget',
      status: 'not-applicable',
      reason:
        'component:default/checkout declares no SLOs (annotation gantry.dev/slo-spec or gantry.dev/slos).',
    });
  });

  it('does not apply while no Prometheus is configured', async () => {
    const gate = sloBudgetGate({ slos: new SloService({ specs }), config });
    const result = await gate.evaluate(
      entity({ 'gantry.dev/slos': spec }),
      '1.0.0',
      'production',
    );
    expect(result?.status).toBe('not-applicable');
    expect(result?.reason).toMatch(/^No Prometheus is configured/);
  });

  it('stays closed when Prometheus does not answer', async () => {
    const port = await closedPort();
    const gate = sloBudgetGate({
      slos: new SloService({
        specs,
        prometheus: new PrometheusClient({ url: `http://127.0.0.1:${port}` }),
      }),
      config,
    });
    const result = await gate.evaluate(
      entity({ 'gantry.dev/slos': spec }),
      '1.0.0',
      'production',
    );
    expect(result?.status).toBe('fail');
    expect(result?.reason).toMatch(
      new RegExp(
        `^Could not read the error budgets, so the gate stays closed: Prometheus at http://127.0.0.1:${port} did not answer /api/v1/query for .*: connection refused\\.`,
        's',
      ),
    );
  });

  it('fails on a spec it cannot use, with the spec problem', async () => {
    const gate = sloBudgetGate({ slos: new SloService({ specs }), config });
    const result = await gate.evaluate(
      entity({ 'gantry.dev/slos': spec.replace('99.9', '120') }),
      '1.0.0',
      'production',
    );
    expect(result).toEqual({
      rule: 'slo-budget',
      status: 'fail',
      reason:
        'The SLO spec cannot be used: annotation gantry.dev/slos: SLO "availability": slos[0].objective: 120 is outside (0, 100) (100 would leave no error budget); use e.g. 99.9',
    });
  });

  it('reads thresholds per environment and rejects impossible ones', () => {
    const c = readSloConfig(
      new ConfigReader({
        gantry: {
          slos: { gate: { minBudgetRemainingPercent: { production: 25 } } },
        },
      }),
    );
    expect(c.minBudgetRemainingPercent('production')).toBe(25);
    expect(c.minBudgetRemainingPercent('staging')).toBe(0);
    expect(() =>
      readSloConfig(
        new ConfigReader({
          gantry: {
            slos: { gate: { minBudgetRemainingPercent: { production: 150 } } },
          },
        }),
      ),
    ).toThrow(
      'gantry.slos.gate.minBudgetRemainingPercent.production is 150; use a percentage from 0 to 100.',
    );
  });
});
