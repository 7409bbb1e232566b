import { parse } from 'yaml';
import { generateOverlays } from './generate';
import { toAlertmanagerConfig } from './alertmanagerConversion';
import { amtoolCheckConfig, amtoolRoutesTest } from './amtool';

jest.setTimeout(60_000);

const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout',
  tag: '1.4.2',
  gitopsRepoUrl: 'https://github.com/acme/gitops',
};
const entity = 'component:default/checkout';
const alert = (severity: string, extra: Record<string, string> = {}) => ({
  alertname: 'CheckoutHighErrorRate',
  gantry_entity: entity,
  sloth_service: 'checkout',
  sloth_slo: 'requests-availability',
  severity,
  ...extra,
});

describe('generated alert routing', () => {
  const files = generateOverlays(base);
  const plain = (env: string) => files[`alerting/${env}/alertmanager.yml`];
  const resource = (env: string) =>
    parse(files[`overlays/${env}/alertmanagerconfig.yaml`]);

  it.each(['staging', 'production'])(
    'passes amtool check-config in %s, as a plain file and as the operator merges the AlertmanagerConfig',
    async env => {
      expect(await amtoolCheckConfig(plain(env))).toBeUndefined();
      const crd = resource(env);
      expect(
        await amtoolCheckConfig(
          toAlertmanagerConfig(crd.spec, {
            namespace: 'shop',
            name: 'checkout',
          }),
        ),
      ).toBeUndefined();
    },
  );

  it('sends pages to the pager and tickets to Slack in production, both also to Gantry', async () => {
    const config = plain('production');
    expect(await amtoolRoutesTest(config, alert('page'))).toEqual([
      'gantry-incidents',
      'checkout-pager',
    ]);
    expect(await amtoolRoutesTest(config, alert('ticket'))).toEqual([
      'gantry-incidents',
      'checkout-ticket',
    ]);
    // another service's alerts are not ours to route
    expect(
      await amtoolRoutesTest(
        config,
        alert('page', { gantry_entity: 'component:default/cart' }),
      ),
    ).toEqual(['null']);
  });

  it('routes the same through the operator, only for alerts from the service namespace', async () => {
    const config = toAlertmanagerConfig(resource('production').spec, {
      namespace: 'shop',
      name: 'checkout',
    });
    expect(
      await amtoolRoutesTest(config, alert('page', { namespace: 'shop' })),
    ).toEqual([
      'shop/checkout/gantry-incidents',
      'shop/checkout/checkout-pager',
    ]);
    expect(await amtoolRoutesTest(config, alert('page'))).toEqual(['null']);
  });

  it('does not page from staging unless asked to', async () => {
    expect(await amtoolRoutesTest(plain('staging'), alert('page'))).toEqual([
      'gantry-incidents',
      'checkout-ticket',
    ]);
    const paging = generateOverlays({
      ...base,
      alerting: { pageInStaging: true },
    });
    expect(
      await amtoolRoutesTest(
        paging['alerting/staging/alertmanager.yml'],
        alert('page'),
      ),
    ).toEqual(['gantry-incidents', 'checkout-pager']);
  });

  it('groups by service and SLO, inhibits the ticket twin of a page, repeats pages hourly', () => {
    const config = parse(plain('production'));
    const service = config.route.routes[0];
    expect(service.group_by).toEqual([
      'alertname',
      'sloth_service',
      'sloth_slo',
    ]);
    expect(
      service.routes.map((r: any) => [
        r.receiver,
        r.repeat_interval,
        r.continue,
      ]),
    ).toEqual([
      ['gantry-incidents', '1h', true],
      ['checkout-pager', '1h', undefined],
      ['checkout-ticket', '12h', undefined],
    ]);
    expect(config.inhibit_rules).toEqual([
      {
        source_matchers: ['severity="page"', `gantry_entity="${entity}"`],
        target_matchers: ['severity="ticket"', `gantry_entity="${entity}"`],
        equal: ['alertname', 'sloth_service', 'sloth_slo'],
      },
    ]);
    const gantry = config.receivers.find(
      (r: any) => r.name === 'gantry-incidents',
    ).webhook_configs[0];
    expect(gantry).toEqual({
      url: 'http://backstage.backstage.svc.cluster.local:7007/api/gantry/alerts/alertmanager',
      send_resolved: true,
      http_config: {
        authorization: {
          type: 'Bearer',
          credentials_file:
            '/etc/alertmanager/secrets/checkout-alerting/gantry-token',
        },
      },
    });
  });

  it('takes Opsgenie, a ticket webhook, other intervals and the entity from the parameters', async () => {
    const files2 = generateOverlays({
      ...base,
      alerting: {
        entityRef: 'component:payments/checkout',
        pager: 'opsgenie',
        ticket: 'webhook',
        ticketWebhookUrl: 'https://jira-alerts.acme.dev/alertmanager',
        gantryUrl: 'https://portal.acme.dev/',
        repeatInterval: { page: '30m', ticket: '1d' },
      },
    });
    const config = files2['alerting/production/alertmanager.yml'];
    expect(await amtoolCheckConfig(config)).toBeUndefined();
    const labels = alert('page', {
      gantry_entity: 'component:payments/checkout',
    });
    expect(await amtoolRoutesTest(config, labels)).toEqual([
      'gantry-incidents',
      'checkout-pager',
    ]);
    const parsed = parse(config);
    const byName = (n: string) =>
      parsed.receivers.find((r: any) => r.name === n);
    expect(byName('checkout-pager').opsgenie_configs[0]).toMatchObject({
      api_key_file:
        '/etc/alertmanager/secrets/checkout-alerting/opsgenie-api-key',
      priority: 'P1',
    });
    expect(byName('checkout-ticket').webhook_configs[0].url).toBe(
      'https://jira-alerts.acme.dev/alertmanager',
    );
    expect(byName('gantry-incidents').webhook_configs[0].url).toBe(
      'https://portal.acme.dev/api/gantry/alerts/alertmanager',
    );
    expect(parsed.route.routes[0].routes[1].repeat_interval).toBe('30m');
    const secret = parse(files2['overlays/production/alerting-secret.yaml']);
    expect(secret.spec.data.map((d: any) => d.secretKey)).toEqual([
      'opsgenie-api-key',
      'gantry-token',
      'canary-judge-token',
      'gate-token',
    ]);
  });

  it('refuses routing parameters Alertmanager would refuse, naming the field', () => {
    expect(() =>
      generateOverlays({ ...base, alerting: { ticket: 'webhook' } }),
    ).toThrow(/alerting\.ticketWebhookUrl needs ticketWebhookUrl/);
    expect(() =>
      generateOverlays({
        ...base,
        alerting: { repeatInterval: { page: 'hourly' } },
      }),
    ).toThrow(
      /alerting\.repeatInterval\.page must be an Alertmanager duration/,
    );
  });

  it('reports what amtool refuses', async () => {
    const broken = parse(plain('production'));
    broken.route.routes[0].routes[1].receiver = 'nobody';
    expect(await amtoolCheckConfig(broken)).toMatch(
      /undefined receiver "nobody" used in route/,
    );
  });
});
