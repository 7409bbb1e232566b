import { toAlertmanagerConfig } from './alertmanagerConversion';
import { WAVE, wave } from './labels';
import type { Environment, OverlayOptions } from './options';

/**
 * Labels the SLO rules give every alert (Sloth's, plus gantry_entity from the spec's
 * labels); routing groups by service and SLO and matches the entity.
 */
export const ALERT_LABELS = {
  entity: 'gantry_entity',
  severity: 'severity',
  service: 'sloth_service',
  slo: 'sloth_slo',
} as const;
export const GROUP_BY = ['alertname', ALERT_LABELS.service, ALERT_LABELS.slo];

/** Gantry's Alertmanager receiver (incidents), below the backend's base URL. */
export const GANTRY_ALERTS_PATH = '/api/gantry/alerts/alertmanager';

export const entityRefOf = (o: OverlayOptions) =>
  o.alerting.entityRef ?? `component:default/${o.name}`;
export const alertingSecretName = (o: OverlayOptions) => `${o.name}-alerting`;

/** Keys of the alerting Secret the receivers read. */
export const SECRET_KEYS = {
  pagerduty: 'pagerduty-routing-key',
  opsgenie: 'opsgenie-api-key',
  slack: 'slack-webhook-url',
  gantry: 'gantry-token',
  canaryJudge: 'canary-judge-token',
} as const;

export const receiverNames = (o: OverlayOptions) => ({
  pager: `${o.name}-pager`,
  ticket: `${o.name}-ticket`,
  gantry: 'gantry-incidents',
});

const eq = (name: string, value: string) => ({ name, value, matchType: '=' });

function receivers(o: OverlayOptions) {
  const a = o.alerting;
  const names = receiverNames(o);
  const secret = (key: string) => ({ name: alertingSecretName(o), key });
  const pager =
    a.pager === 'pagerduty'
      ? {
          pagerdutyConfigs: [
            {
              routingKey: secret(SECRET_KEYS.pagerduty),
              sendResolved: true,
              severity: 'critical',
              description: '{{ .CommonAnnotations.title }}',
              details: [
                {
                  key: 'runbook',
                  value: '{{ .CommonAnnotations.runbook_url }}',
                },
                { key: 'entity', value: entityRefOf(o) },
              ],
            },
          ],
        }
      : {
          opsgenieConfigs: [
            {
              apiKey: secret(SECRET_KEYS.opsgenie),
              sendResolved: true,
              priority: 'P1',
              message: '{{ .CommonAnnotations.title }}',
              tags: `gantry,${o.name}`,
              details: [
                {
                  key: 'runbook',
                  value: '{{ .CommonAnnotations.runbook_url }}',
                },
                { key: 'entity', value: entityRefOf(o) },
              ],
            },
          ],
        };
  const ticket =
    a.ticket === 'slack'
      ? {
          slackConfigs: [
            {
              apiURL: secret(SECRET_KEYS.slack),
              channel: a.slackChannel ?? `#${o.name}-alerts`,
              sendResolved: true,
              title: '[{{ .Status | toUpper }}] {{ .CommonAnnotations.title }}',
              titleLink: '{{ .CommonAnnotations.runbook_url }}',
              text: '{{ range .Alerts }}{{ .Annotations.summary }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
            },
          ],
        }
      : {
          webhookConfigs: [{ url: a.ticketWebhookUrl, sendResolved: true }],
        };
  return [
    { name: names.pager, ...pager },
    { name: names.ticket, ...ticket },
    {
      name: names.gantry,
      webhookConfigs: [
        {
          url: `${a.gantryUrl.replace(/\/$/, '')}${GANTRY_ALERTS_PATH}`,
          sendResolved: true,
          httpConfig: {
            authorization: {
              type: 'Bearer',
              credentials: secret(SECRET_KEYS.gantry),
            },
          },
        },
      ],
    },
  ];
}

/**
 * The service's routing as the Prometheus Operator's AlertmanagerConfig spec: every alert
 * of the entity goes to Gantry (continue), pages to the pager (the ticket receiver in
 * staging unless pageInStaging), tickets to chat or the ticket system; a page silences
 * its ticket twin of the same SLO.
 */
export function alertRoutingSpec(o: OverlayOptions, env: Environment) {
  const a = o.alerting;
  const names = receiverNames(o);
  const entity = eq(ALERT_LABELS.entity, entityRefOf(o));
  const pages = env === 'production' || a.pageInStaging;
  return {
    route: {
      receiver: names.ticket,
      matchers: [entity],
      groupBy: GROUP_BY,
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: a.repeatInterval.ticket,
      routes: [
        {
          // Gantry records incidents from every firing and resolved alert.
          receiver: names.gantry,
          groupWait: '10s',
          groupInterval: '1m',
          repeatInterval: '1h',
          continue: true,
        },
        {
          receiver: pages ? names.pager : names.ticket,
          matchers: [eq(ALERT_LABELS.severity, 'page')],
          repeatInterval: a.repeatInterval.page,
        },
        {
          receiver: names.ticket,
          matchers: [eq(ALERT_LABELS.severity, 'ticket')],
          repeatInterval: a.repeatInterval.ticket,
        },
      ],
    },
    receivers: receivers(o),
    inhibitRules: [
      {
        sourceMatch: [eq(ALERT_LABELS.severity, 'page'), entity],
        targetMatch: [eq(ALERT_LABELS.severity, 'ticket'), entity],
        equal: GROUP_BY,
      },
    ],
  };
}

/** Label the Alertmanager custom resource's alertmanagerConfigSelector should match. */
export const CONFIG_SELECTOR_LABEL = { 'gantry.dev/alerting': 'true' };

export function alertmanagerConfigResource(
  o: OverlayOptions,
  env: Environment,
) {
  return {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    metadata: {
      name: o.name,
      labels: CONFIG_SELECTOR_LABEL,
      annotations: wave(WAVE.scaling),
    },
    spec: alertRoutingSpec(o, env),
  };
}

/**
 * The same routing as a plain alertmanager.yml, for an Alertmanager run without the
 * operator: the root route's `routes` entry is what to merge into a shared config.
 * Secrets are read from files where the operator mounts `spec.secrets`.
 */
export function alertmanagerFile(o: OverlayOptions, env: Environment) {
  return toAlertmanagerConfig(alertRoutingSpec(o, env));
}

/** Pager, chat and Gantry credentials, from the same store as the service's secrets. */
export function alertingExternalSecret(o: OverlayOptions, env: Environment) {
  const a = o.alerting;
  const serviceKey =
    o.secretStore.provider === 'vault'
      ? `${env}/${o.name}`
      : `${env}/${o.namespace}/${o.name}`;
  const keys = [
    SECRET_KEYS[a.pager],
    ...(a.ticket === 'slack' ? [SECRET_KEYS.slack] : []),
  ];
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: alertingSecretName(o), annotations: wave(WAVE.secrets) },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: o.secretStore.name },
      target: { name: alertingSecretName(o), creationPolicy: 'Owner' },
      data: [
        ...keys.map(key => ({
          secretKey: key,
          remoteRef: { key: `${serviceKey}/alerting`, property: key },
        })),
        // one token for every service: the platform team issues it (a Backstage static token)
        {
          secretKey: SECRET_KEYS.gantry,
          remoteRef: { key: `${env}/gantry`, property: 'alertmanager-token' },
        },
        // the Argo Rollouts analysis calls Gantry's canary judge with its own token
        {
          secretKey: SECRET_KEYS.canaryJudge,
          remoteRef: { key: `${env}/gantry`, property: 'canary-judge-token' },
        },
        // and asks Gantry's release gate with a read-only one
        ...((o.gate.tokenSecretName ?? alertingSecretName(o)) ===
        alertingSecretName(o)
          ? [
              {
                secretKey: o.gate.tokenSecretKey,
                remoteRef: { key: `${env}/gantry`, property: 'gate-token' },
              },
            ]
          : []),
      ],
    },
  };
}
