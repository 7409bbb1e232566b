import {
  deploymentTraceWindow,
  incidentTraceWindow,
  traceLink,
  traceTemplateProblem,
} from './traces';

const entity = (annotations: Record<string, string>) => ({
  metadata: { name: 'checkout', annotations },
});
const window = {
  start: '2026-12-01T09:00:00.000Z',
  end: '2026-12-01T09:10:00.000Z',
};

describe('trace links', () => {
  it('fills Jaeger, Tempo (Grafana Explore) and Honeycomb templates with the service and window', () => {
    expect(
      traceLink(
        entity({
          'gantry.dev/tracing-url':
            'https://jaeger.example.com/search?service={service}&start={startUs}&end={endUs}',
        }),
        window,
      ),
    ).toBe(
      'https://jaeger.example.com/search?service=checkout&start=1796115600000000&end=1796116200000000',
    );
    expect(
      traceLink(
        entity({
          'gantry.dev/tracing-url':
            'https://grafana.example.com/explore?left={"datasource":"tempo","queries":[{"query":"{resource.service.name=\\"{service}\\"}"}],"range":{"from":"{startMs}","to":"{endMs}"}}',
          'gantry.dev/tracing-service': 'shop checkout',
        }),
        window,
      ),
    ).toBeUndefined(); // {resource.service.name=…} is not a placeholder: refused, not half-filled
    expect(
      traceLink(
        entity({
          'gantry.dev/tracing-url':
            'https://ui.honeycomb.io/acme/datasets/{service}/trace?trace_start_ts={startS}&trace_end_ts={endS}',
          'gantry.dev/tracing-service': 'shop checkout',
        }),
        window,
      ),
    ).toBe(
      'https://ui.honeycomb.io/acme/datasets/shop%20checkout/trace?trace_start_ts=1796115600&trace_end_ts=1796116200',
    );
  });

  it('gives no link without a usable template, and says why a template is unusable', () => {
    expect(traceLink(entity({}), window)).toBeUndefined();
    expect(traceTemplateProblem(`${'java'}script:alert({service})`)).toBe(
      'gantry.dev/tracing-url must be an http(s) URL, not javascript:',
    );
    expect(traceTemplateProblem('https://t.example.com/{svc}')).toMatch(
      /^gantry\.dev\/tracing-url names unknown placeholder\(s\) \{svc\}/,
    );
    expect(traceTemplateProblem('tempo {service}')).toBe(
      'gantry.dev/tracing-url is not a URL: tempo {service}',
    );
    expect(
      traceLink(
        entity({
          'gantry.dev/tracing-url': `${'java'}script:alert({service})`,
        }),
        window,
      ),
    ).toBeUndefined();
  });

  it('pads deployment and incident windows, ending at now while they run', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(
      deploymentTraceWindow({ startedAt: '2026-12-01T09:00:00Z' }, now),
    ).toEqual({
      start: '2026-12-01T08:55:00.000Z',
      end: '2026-12-01T12:15:00.000Z',
    });
    expect(
      incidentTraceWindow(
        {
          startedAt: '2026-12-01T09:00:00Z',
          resolvedAt: '2026-12-01T09:40:00Z',
        },
        now,
      ),
    ).toEqual({
      start: '2026-12-01T08:45:00.000Z',
      end: '2026-12-01T09:40:00Z',
    });
  });
});
