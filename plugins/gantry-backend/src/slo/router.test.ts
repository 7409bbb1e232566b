import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { EntitySlos, GateVerdict } from '@gantry/plugin-gantry-common';
import request from 'supertest';
import { parse } from 'yaml';
import { startGantry } from '../__testUtils__/backend';
import { alignedEvalTime, usePrometheus } from '../__testUtils__/prometheus';
import { checkoutTraffic } from './__testUtils__/checkoutTraffic';

jest.setTimeout(180_000);

const T = alignedEvalTime();
const fixtures = join(__dirname, '__fixtures__');
const sloth = readFileSync(join(fixtures, 'sloth-checkout.yaml'), 'utf8');
const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
});

describe('SLO routes and the slo-budget gate', () => {
  const prometheus = usePrometheus(() => ({
    series: checkoutTraffic(T, 8),
  }));
  // The service repository, read through Backstage's UrlReader.
  let repo: Server;
  let repoUrl: string;
  let server: Awaited<ReturnType<typeof startGantry>>;
  const user = mockCredentials.user.header();

  beforeAll(async () => {
    repo = createServer((req, res) => {
      if (req.url === '/checkout/main/slos.yaml') {
        res.writeHead(200, { 'content-type': 'text/yaml' }).end(sloth);
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>(r => repo.listen(0, '127.0.0.1', r));
    const { port } = repo.address() as { port: number };
    repoUrl = `http://127.0.0.1:${port}`;
    server = await startGantry({
      config: {
        app: { baseUrl: 'https://backstage.example.com' },
        backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
        gantry: {
          prometheus: { baseUrl: prometheus().url },
          compliance: {
            policies: {
              default: {
                staging: ['slo-budget'],
                production: ['tests', 'slo-budget'],
              },
            },
          },
          slos: {
            gate: { minBudgetRemainingPercent: { production: 90 } },
          },
        },
      },
      entities: [
        component('checkout', {
          'gantry.dev/slos': sloth,
          'backstage.io/kubernetes-namespace': 'shop',
          'backstage.io/techdocs-ref': 'dir:.',
        }),
        component('from-repo', {
          'backstage.io/managed-by-location': `url:${repoUrl}/checkout/main/catalog-info.yaml`,
          'gantry.dev/slo-spec': './slos.yaml',
        }),
        component('missing-spec', {
          'backstage.io/managed-by-location': `url:${repoUrl}/checkout/main/catalog-info.yaml`,
          'gantry.dev/slo-spec': './nope.yaml',
        }),
        component('local-file', {
          'backstage.io/managed-by-location': `file:${fixtures}/catalog-info.yaml`,
          'gantry.dev/slo-spec': './openslo-checkout.yaml',
        }),
        component('escaping', {
          'backstage.io/managed-by-location': `file:${fixtures}/catalog-info.yaml`,
          'gantry.dev/slo-spec': '../SloService.ts',
        }),
        component('broken', {
          'gantry.dev/slos': sloth.replace('objective: 99.9', 'objective: 100'),
        }),
        component('plain', {}),
      ],
    });
  });
  afterAll(() => new Promise<void>(r => repo.close(() => r())));

  const get = (path: string) =>
    request(server)
      .get(`/api/gantry/entities/default/component/${path}`)
      .set('Authorization', user);

  it('answers the status of every SLO at a given time', async () => {
    const at = new Date(T * 1000).toISOString();
    const res = await get(`checkout/slos?at=${at}`);
    expect(res.status).toBe(200);
    const body = res.body as EntitySlos;
    expect(body).toMatchObject({
      entityRef: 'component:default/checkout',
      source: 'annotation gantry.dev/slos',
      evaluatedAt: at,
    });
    expect(body.slos.map(s => s.id)).toEqual([
      'checkout-requests-availability',
      'checkout-latency-raw',
    ]);
    const [slo] = body.slos;
    expect(slo.currentBurnRate).toBeCloseTo(20, 6);
    expect(slo.alerts[0]).toMatchObject({ severity: 'page', firing: true });
    expect(slo.budgetHistory).toHaveLength(61);
  });

  it('reads a spec file next to the catalog file with the UrlReader', async () => {
    const res = await get('from-repo/slos');
    expect(res.status).toBe(200);
    expect(res.body.source).toBe(`${repoUrl}/checkout/main/slos.yaml`);
    expect(res.body.definitions).toHaveLength(2);
  });

  it('reads a spec next to a local catalog file (development)', async () => {
    const res = await get('local-file/slos');
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('./openslo-checkout.yaml');
    expect(res.body.definitions.map((d: { id: string }) => d.id)).toEqual([
      'checkout-availability',
    ]);
  });

  it('says what is wrong with a spec, naming file, SLO and field', async () => {
    const broken = await get('broken/slos');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toBe(
      'annotation gantry.dev/slos: SLO "requests-availability": slos[0].objective: 100 is outside (0, 100) (100 would leave no error budget); use e.g. 99.9',
    );
    const missing = await get('missing-spec/slos');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain(
      `Could not read the SLO spec ${repoUrl}/checkout/main/nope.yaml (gantry.dev/slo-spec)`,
    );
    const escaping = await get('escaping/slos');
    expect(escaping.status).toBe(400);
    expect(escaping.body.error.message).toBe(
      `gantry.dev/slo-spec of component:default/escaping is ../SloService.ts, which cannot be resolved against the entity's location file:${fixtures}/catalog-info.yaml. Use an absolute URL (https://github.com/org/repo/blob/main/slos.yaml), a path next to the catalog file, or put the spec inline in gantry.dev/slos.`,
    );
  });

  it('answers an empty list for entities without SLOs, and 404 for unknown entities', async () => {
    const plain = await get('plain/slos');
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ definitions: [], slos: [] });
    expect((await get('nobody/slos')).status).toBe(404);
    expect((await get('checkout/slos?at=yesterday')).body.error.message).toBe(
      'Invalid query parameters. at: must be an ISO-8601 UTC time such as 2026-11-26T12:00:00Z.',
    );
  });

  it('needs a caller', async () => {
    const res = await request(server)
      .get('/api/gantry/entities/default/component/checkout/slos')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('serves the generated rules as a rules file or a PrometheusRule', async () => {
    const rules = await get('checkout/slos/rules');
    expect(rules.status).toBe(200);
    expect(rules.headers['content-type']).toMatch(/^application\/yaml/);
    expect(rules.headers['content-disposition']).toBe(
      'inline; filename="checkout-slos.rules.yml"',
    );
    const file = parse(rules.text);
    // 5 Sloth groups, then the capacity recordings and alerts.
    expect(file.groups.map((g: { name: string }) => g.name).slice(5)).toEqual([
      'gantry-capacity-recordings-checkout',
      'gantry-capacity-alerts-checkout',
    ]);
    expect(file.groups[2].rules[0].annotations.runbook_url).toBe(
      'https://backstage.example.com/catalog/default/component/checkout/docs',
    );

    const object = parse(
      (await get('checkout/slos/rules?format=prometheusrule')).text,
    );
    expect(object).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'checkout-slos', namespace: 'shop' },
    });
    expect(object.spec.groups).toEqual(file.groups);

    const bad = await get('checkout/slos/rules?format=json');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "Invalid query parameters. format: must be 'rules' (a Prometheus rules file) or 'prometheusrule' (a Prometheus Operator object).",
    );
    const none = await get('plain/slos/rules');
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(
      'component:default/plain declares no SLOs; add the gantry.dev/slo-spec or gantry.dev/slos annotation.',
    );
  });

  it('blocks a promotion when an SLO has less budget left than the environment asks', async () => {
    // A release exists once CI uploads evidence for it.
    const upload = await request(server)
      .post(
        '/api/gantry/entities/default/component/checkout/releases/1.0.0/evidence/junit?commit=3f9c2a1b4d5e6f708192a3b4c5d6e7f8091a2b3c',
      )
      .set('Authorization', user)
      .set('Content-Type', 'application/octet-stream')
      .send(
        readFileSync(
          join(
            __dirname,
            '..',
            'evidence/parsers/__fixtures__/junit-nested.xml',
          ),
        ),
      );
    expect(upload.status).toBe(201);
    const gate = async (environment: string) => {
      const res = await get(`checkout/releases/1.0.0/gates/${environment}`);
      expect(res.status).toBe(200);
      return (res.body as GateVerdict).rules.find(r => r.rule === 'slo-budget');
    };
    // 8 days of history ending an hour or two ago: requests-availability has spent
    // about half of its 30d budget; the raw latency SLO has no data.
    const production = await gate('production');
    expect(production?.status).toBe('fail');
    expect(production?.reason).toMatch(
      /^Error budget below 90 % for production: requests-availability \(99\.9 % over 30d\) has \d+\.\d % left\. Promote once the budget recovers, or fix the burn first\.$/,
    );
    const left = Number(/has (\d+\.\d) %/.exec(production!.reason)![1]);
    expect(left).toBeGreaterThan(30);
    expect(left).toBeLessThan(60);

    // Staging asks for the default: a budget that is not overspent.
    const staging = await gate('staging');
    expect(staging).toEqual({
      rule: 'slo-budget',
      status: 'pass',
      reason: `Every SLO keeps at least 0 % of its error budget for staging: requests-availability (99.9 % over 30d) has ${left} % left; latency-raw has no traffic in its 30d period.`,
    });
  });
});
