/**
 * AlertmanagerConfig (monitoring.coreos.com/v1alpha1) spec -> alertmanager.yml, the way
 * the Prometheus Operator merges it: receivers named `<namespace>/<name>/<receiver>`, the
 * route under the root with a namespace matcher and `continue: true`, inhibit rules
 * scoped to the namespace, Secret references as files where the operator mounts them.
 * Covers the fields Alertmanager checks, so `amtool check-config` can judge a resource.
 */

/** Where the operator mounts the Secrets of the Alertmanager resource's `spec.secrets`. */
export const SECRETS_DIR = '/etc/alertmanager/secrets';

interface Matcher {
  name: string;
  value?: string;
  matchType?: string;
  regex?: boolean;
}

export interface OperatorScope {
  namespace: string;
  name: string;
}

const snake = (key: string) =>
  key
    .replace(/URL/g, 'Url')
    .replace(/ID/g, 'Id')
    .replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

const isSecretRef = (v: unknown): v is { name: string; key: string } =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 2 &&
  typeof (v as any).name === 'string' &&
  typeof (v as any).key === 'string';

const matcherString = (m: Matcher) =>
  `${m.name}${m.matchType ?? (m.regex ? '=~' : '=')}${JSON.stringify(
    m.value ?? '',
  )}`;

/** A receiver integration's fields, camelCase to snake_case, Secret references to files. */
function convertFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convertFields);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'details' && Array.isArray(v)) {
      out.details = Object.fromEntries(
        v.map((d: { key: string; value: string }) => [d.key, d.value]),
      );
    } else if (isSecretRef(v)) {
      if (key === 'urlSecret') {
        // Alertmanager 0.25 has no url_file on webhooks; the operator inlines the URL.
        out.url = `https://${v.name}.${v.key}.secret.invalid/`;
      } else {
        out[
          `${snake(key.replace(/Secret$/, ''))}_file`
        ] = `${SECRETS_DIR}/${v.name}/${v.key}`;
      }
    } else {
      out[snake(key)] = convertFields(v);
    }
  }
  return out;
}

function convertRoute(
  route: any,
  rename: (receiver: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(route ?? {})) {
    if (key === 'receiver') out.receiver = rename(v as string);
    else if (key === 'matchers')
      out.matchers = (v as Matcher[]).map(matcherString);
    else if (key === 'routes')
      out.routes = (v as any[]).map(r => convertRoute(r, rename));
    else out[snake(key)] = v;
  }
  return out;
}

/**
 * The alertmanager.yml for an AlertmanagerConfig spec. Without `scope`, the plain form
 * (names as written); with it, as the operator renders the resource into its config.
 * The root route sends everything else to a receiver named "null", which drops it.
 */
export function toAlertmanagerConfig(spec: any, scope?: OperatorScope) {
  const rename = (r: string) =>
    scope ? `${scope.namespace}/${scope.name}/${r}` : r;
  const nsMatcher: Matcher[] = scope
    ? [{ name: 'namespace', value: scope.namespace, matchType: '=' }]
    : [];
  const route = spec?.route
    ? convertRoute(
        {
          ...spec.route,
          matchers: [...nsMatcher, ...(spec.route.matchers ?? [])],
          ...(scope ? { continue: true } : {}),
        },
        rename,
      )
    : undefined;
  const inhibit = (spec?.inhibitRules ?? []).map((rule: any) => ({
    source_matchers: [...nsMatcher, ...(rule.sourceMatch ?? [])].map(
      matcherString,
    ),
    target_matchers: [...nsMatcher, ...(rule.targetMatch ?? [])].map(
      matcherString,
    ),
    ...(rule.equal ? { equal: rule.equal } : {}),
  }));
  return {
    route: {
      receiver: 'null',
      group_by: ['alertname'],
      ...(route ? { routes: [route] } : {}),
    },
    ...(inhibit.length ? { inhibit_rules: inhibit } : {}),
    receivers: [
      { name: 'null' },
      ...(spec?.receivers ?? []).map((r: any) => ({
        ...(convertFields(r) as object),
        name: rename(r.name),
      })),
    ],
  };
}
