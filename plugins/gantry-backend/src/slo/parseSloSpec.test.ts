import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSloSpec } from './parseSloSpec';
import { SloSpecError } from './SloSpecError';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

const sloth = (slo: string, extra = '') => `version: prometheus/v1
service: checkout
${extra}slos:
${slo}`;

const events = `    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))`;
const alerting = `    alerting:
      name: CheckoutHighErrorRate`;

const openslo = (spec: string, extraDocs = '') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: availability
spec:
  service: checkout
${spec}${extraDocs}`;

const ratio = `  indicator:
    metadata:
      name: good-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total
`;
const window30d = `  timeWindow:
    - duration: 30d
      isRolling: true
`;
const occurrences = '  budgetingMethod: Occurrences\n';
const target = '  objectives:\n    - target: 0.999\n';

describe('parseSloSpec', () => {
  it('reads a Sloth prometheus/v1 spec', () => {
    const [availability, latency] = parseSloSpec(
      fixture('sloth-checkout.yaml'),
      'slos.yaml',
    );
    expect(availability).toMatchObject({
      id: 'checkout-requests-availability',
      service: 'checkout',
      name: 'requests-availability',
      objective: 99.9,
      periodMs: 30 * 86400_000,
      labels: { owner: 'payments', tier: '1' },
      format: 'prometheus/v1',
      alerting: {
        page: {
          disable: false,
          name: 'CheckoutHighErrorRate',
          labels: { team: 'payments', route: 'pager' },
        },
        ticket: { disable: false, labels: { route: 'tickets' } },
      },
    });
    expect(latency.sli.type).toBe('raw');
    expect(latency.alerting.page.disable).toBe(true);
  });

  it('reads OpenSLO v1 SLO, SLI, AlertPolicy and AlertCondition documents', () => {
    const [slo] = parseSloSpec(
      fixture('openslo-checkout.yaml'),
      'openslo.yaml',
    );
    expect(slo).toMatchObject({
      id: 'checkout-availability',
      objective: 99.5,
      periodMs: 28 * 86400_000,
      format: 'openslo/v1',
      sli: {
        type: 'events',
        errorQuery:
          '(sum(rate(http_requests_total{service="checkout"}[{{.window}}]))) - (sum(rate(http_requests_total{service="checkout",code!~"5.."}[{{.window}}])))',
        totalQuery:
          'sum(rate(http_requests_total{service="checkout"}[{{.window}}]))',
      },
      alerting: {
        page: { disable: false, name: 'CheckoutAvailabilityPage' },
        ticket: {
          disable: false,
          name: 'checkout-ticket',
          annotations: {
            runbook_url: 'https://runbooks.example.com/checkout-availability',
          },
        },
      },
    });
  });

  it('accepts OpenSLO bad/total with targetPercent and no alert policies', () => {
    const [slo] = parseSloSpec(
      openslo(
        `  indicator:
    spec:
      ratioMetric:
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(errors_total[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(requests_total[{{.window}}]))
${window30d}${occurrences}  objectives:
    - targetPercent: 99.95
`,
      ),
      'slo.yaml',
    );
    expect(slo.objective).toBe(99.95);
    expect(slo.sli).toEqual({
      type: 'events',
      errorQuery: 'sum(rate(errors_total[{{.window}}]))',
      totalQuery: 'sum(rate(requests_total[{{.window}}]))',
    });
    expect(slo.alerting.page.disable && slo.alerting.ticket.disable).toBe(true);
  });

  const invalid: Array<[string, string, unknown]> = [
    [
      'objective of 100',
      sloth(
        `  - name: availability\n    objective: 100\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].objective: 100 is outside (0, 100) (100 would leave no error budget); use e.g. 99.9',
    ],
    [
      'objective of 0',
      sloth(`  - name: availability\n    objective: 0\n${events}\n${alerting}`),
      'slos.yaml: SLO "availability": slos[0].objective: 0 is outside (0, 100) (100 would leave no error budget); use e.g. 99.9',
    ],
    [
      'objective as text',
      sloth(
        `  - name: availability\n    objective: "99.9%"\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].objective: must be a number between 0 and 100 (exclusive), e.g. 99.9; got "99.9%"',
    ],
    [
      'missing error query',
      sloth(
        `  - name: availability\n    objective: 99.9\n    sli:\n      events:\n        total_query: sum(rate(http_requests_total[{{.window}}]))\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].sli.events.error_query: is missing; give a PromQL query with {{.window}} as its range, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
    ],
    [
      'query without {{.window}}',
      sloth(
        `  - name: availability\n    objective: 99.9\n    sli:\n      raw:\n        error_ratio_query: sum(rate(errors[5m])) / sum(rate(requests[5m]))\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].sli.raw.error_ratio_query: has no {{.window}}; put it where the range goes, e.g. rate(x[{{.window}}]), so each burn-rate window gets its own query',
    ],
    [
      'unknown template variable',
      sloth(
        `  - name: availability\n    objective: 99.9\n    sli:\n      raw:\n        error_ratio_query: sum(rate(errors[{{.window}}])) / sum(rate(requests[{{.interval}}]))\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].sli.raw.error_ratio_query: uses {{.interval}}; the only template variable is {{.window}}',
    ],
    [
      'both events and raw',
      sloth(
        `  - name: availability\n    objective: 99.9\n${events}\n      raw:\n        error_ratio_query: x[{{.window}}]\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].sli: needs exactly one of events or raw, got events and raw',
    ],
    [
      'Sloth SLI plugin',
      sloth(
        `  - name: availability\n    objective: 99.9\n    sli:\n      plugin:\n        id: sloth-common/kubernetes/apiserver/availability\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].sli.plugin: SLI plugins are Sloth-specific and not supported; write the events or raw queries',
    ],
    [
      'misspelled field',
      sloth(
        `  - name: availability\n    objetive: 99.9\n    objective: 99.9\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].objetive: unknown field; expected one of name, objective, description, labels, sli, alerting',
    ],
    [
      'alert without a name',
      sloth(
        `  - name: availability\n    objective: 99.9\n${events}\n    alerting:\n      labels:\n        team: payments`,
      ),
      'slos.yaml: SLO "availability": slos[0].alerting.name: is missing; name the alert (e.g. CheckoutHighErrorRate), or set disable: true on page_alert and ticket_alert',
    ],
    [
      'invalid label name',
      sloth(
        `  - name: availability\n    objective: 99.9\n    labels:\n      cost-center: "42"\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].labels.cost-center: is not a valid Prometheus label name (letters, digits and _, not starting with a digit)',
    ],
    [
      'label reserved for the generated rules',
      sloth(
        `  - name: availability\n    objective: 99.9\n    labels:\n      sloth_slo: other\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[0].labels.sloth_slo: is set by the generated rules; remove it',
    ],
    [
      'duplicate SLO names',
      sloth(
        `  - name: availability\n    objective: 99.9\n${events}\n${alerting}\n  - name: availability\n    objective: 99\n${events}\n${alerting}`,
      ),
      'slos.yaml: SLO "availability": slos[1].name: is used by another SLO of this service; SLO names must be unique',
    ],
    [
      'no SLOs',
      sloth('  []'),
      'slos.yaml: slos: must list at least one SLO, got []',
    ],
    [
      'unknown format',
      'version: sloth/v2\nservice: checkout\n',
      'slos.yaml: version: unknown spec format (version "sloth/v2", apiVersion nothing); use version: prometheus/v1 (Sloth) or apiVersion: openslo/v1',
    ],
    [
      'broken YAML',
      'version: prometheus/v1\nslos: [\n',
      expect.stringMatching(/^slos\.yaml: document 1 is not valid YAML: /),
    ],
    [
      'OpenSLO unknown window',
      openslo(
        `${ratio}  timeWindow:\n    - duration: 1month\n      isRolling: true\n${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.timeWindow[0].duration: unknown window "1month"; use a whole number of minutes, hours, days or weeks such as 28d, 30d or 4w',
    ],
    [
      'OpenSLO calendar window',
      openslo(
        `${ratio}  timeWindow:\n    - duration: 1w\n      calendar:\n        startTime: 2026-01-01 00:00:00\n        timeZone: UTC\n${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.timeWindow[0].isRolling: only rolling windows are supported; set isRolling: true and remove calendar',
    ],
    [
      'OpenSLO period shorter than the alert windows',
      openslo(
        `${ratio}  timeWindow:\n    - duration: 1d\n      isRolling: true\n${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.timeWindow[0].duration: 1d is too short: the ticket alert looks back 3d, so the period must be at least 6d',
    ],
    [
      'OpenSLO target out of range',
      openslo(
        `${ratio}${window30d}${occurrences}  objectives:\n    - target: 99.9\n`,
      ),
      'slos.yaml: SLO "availability": spec.objectives[0].target: 99.9 is outside (0, 1) (1 would leave no error budget); use e.g. 0.999',
    ],
    [
      'OpenSLO Timeslices budgeting',
      openslo(`${ratio}${window30d}  budgetingMethod: Timeslices\n${target}`),
      'slos.yaml: SLO "availability": spec.budgetingMethod: Timeslices is not supported; Gantry budgets Occurrences (good events / total events)',
    ],
    [
      'OpenSLO good and bad',
      openslo(
        `  indicator:\n    spec:\n      ratioMetric:\n        counter: true\n        good: {metricSource: {type: Prometheus, spec: {query: ok_total}}}\n        bad: {metricSource: {type: Prometheus, spec: {query: errors_total}}}\n        total: {metricSource: {type: Prometheus, spec: {query: requests_total}}}\n${window30d}${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.indicator.spec.ratioMetric: needs exactly one of good or bad, next to total',
    ],
    [
      'OpenSLO missing total query',
      openslo(
        `  indicator:\n    spec:\n      ratioMetric:\n        counter: true\n        good: {metricSource: {type: Prometheus, spec: {query: ok_total}}}\n        total: {metricSource: {type: Prometheus, spec: {}}}\n${window30d}${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.indicator.spec.ratioMetric.total.metricSource.spec.query: is missing; give a PromQL query with {{.window}} as its range, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
    ],
    [
      'OpenSLO non-Prometheus source',
      openslo(
        `  indicator:\n    spec:\n      ratioMetric:\n        counter: true\n        good: {metricSource: {type: Datadog, spec: {query: ok}}}\n        total: {metricSource: {type: Prometheus, spec: {query: requests_total}}}\n${window30d}${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.indicator.spec.ratioMetric.good.metricSource.type: must be Prometheus, got "Datadog"',
    ],
    [
      'OpenSLO dangling indicatorRef',
      openslo(
        `  indicatorRef: good-requests\n${window30d}${occurrences}${target}`,
      ),
      'slos.yaml: SLO "availability": spec.indicatorRef: no kind: SLI named "good-requests" in this file (known: none)',
    ],
    [
      'OpenSLO alert condition that is not a burn rate',
      openslo(
        `${ratio}${window30d}${occurrences}${target}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: {name: CheckoutPage}\n      spec:\n        conditions:\n          - kind: AlertCondition\n            metadata: {name: c}\n            spec:\n              severity: page\n              condition: {kind: threshold, threshold: 1, lookbackWindow: 1h}\n`,
      ),
      'slos.yaml: SLO "availability": spec.alertPolicies[0].spec.conditions[0].spec.condition.kind: must be burnrate, got "threshold"',
    ],
    [
      'OpenSLO alert severity',
      openslo(
        `${ratio}${window30d}${occurrences}${target}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: {name: CheckoutPage}\n      spec:\n        conditions:\n          - kind: AlertCondition\n            metadata: {name: c}\n            spec:\n              severity: sev1\n              condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}\n`,
      ),
      'slos.yaml: SLO "availability": spec.alertPolicies[0].spec.conditions[0].spec.severity: must be page or ticket (or critical / warning), got "sev1"',
    ],
    [
      'OpenSLO v1alpha',
      'apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: a}\n',
      'slos.yaml: apiVersion: openslo/v1alpha is not supported; convert it to openslo/v1',
    ],
  ];

  it.each(invalid)('rejects %s', (_case, text, expected) => {
    let error: unknown;
    try {
      parseSloSpec(text, 'slos.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SloSpecError);
    expect((error as SloSpecError).problems).toEqual([expected]);
  });

  it('lists every problem of a spec at once, as a 400 naming each', () => {
    const error = (() => {
      try {
        return parseSloSpec(
          sloth(`  - name: availability\n    objective: 101\n    sli: {}\n`),
          'checkout/slos.yaml',
        );
      } catch (e) {
        return e as SloSpecError;
      }
    })() as SloSpecError;
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      [
        '3 problems in the SLO spec:',
        '- checkout/slos.yaml: SLO "availability": slos[0].objective: 101 is outside (0, 100) (100 would leave no error budget); use e.g. 99.9',
        '- checkout/slos.yaml: SLO "availability": slos[0].sli: needs exactly one of events or raw, got neither',
        '- checkout/slos.yaml: SLO "availability": slos[0].alerting.name: is missing; name the alert (e.g. CheckoutHighErrorRate), or set disable: true on page_alert and ticket_alert',
      ].join('\n'),
    );
  });
});
