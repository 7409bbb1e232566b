import { WAVE, serviceNames, wave } from './labels';
import type { Environment, OverlayOptions } from './options';

/** The route users reach the service through (Ingress, HTTPRoute or VirtualService) has the service's name. */
export const ROUTE_NAME = (o: OverlayOptions) => o.name;
/** The Istio VirtualService route Argo Rollouts sets the weights of. */
export const ISTIO_ROUTE = 'primary';
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

export function hostOf(o: OverlayOptions, env: Environment) {
  return (
    o.environments[env].host ??
    (env === 'production'
      ? `${o.name}.example.com`
      : `${o.name}.${env}.example.com`)
  );
}

/**
 * `canary.trafficRouting` of the Rollout: with it `setWeight` is a share of requests and the
 * canary's pods follow the weight; without it `setWeight` is a share of pods.
 */
export function trafficRouting(o: OverlayOptions) {
  const name = ROUTE_NAME(o);
  switch (o.trafficRouting) {
    case 'nginx':
      return { nginx: { stableIngress: name } };
    case 'gatewayAPI':
      return {
        plugins: {
          [GATEWAY_API_PLUGIN]: { httpRoute: name, namespace: o.namespace },
        },
      };
    case 'istio':
      return { istio: { virtualService: { name, routes: [ISTIO_ROUTE] } } };
    case 'smi':
      // Argo Rollouts creates and owns the TrafficSplit itself
      return { smi: { rootService: o.name, trafficSplitName: o.name } };
    default:
      return undefined;
  }
}

/**
 * Where the user-facing route sends requests. NGINX: the stable Service (the controller adds a
 * canary Ingress beside it); SMI and no router: the root Service, which selects every pod;
 * Gateway API and Istio: stable and canary, weighted by the controller; blue-green: active.
 */
function backends(o: OverlayOptions): Array<{ name: string; weight?: number }> {
  const { primary, secondary } = serviceNames(o);
  if (o.strategy === 'blueGreen') return [{ name: primary }];
  switch (o.trafficRouting) {
    case 'nginx':
      return [{ name: primary }];
    case 'gatewayAPI':
    case 'istio':
      return [
        { name: primary, weight: 100 },
        { name: secondary, weight: 0 },
      ];
    default:
      return [{ name: o.name }];
  }
}

/** Marks a route (and the mesh policy) of an environment that requires TLS; the validator holds it to that. */
export const REQUIRE_TLS_ANNOTATION = 'gantry.dev/require-tls';
export const tlsSecretName = (o: OverlayOptions) =>
  o.tls.secretName ?? `${o.name}-tls`;

const isIngress = (o: OverlayOptions) =>
  o.trafficRouting !== 'gatewayAPI' && o.trafficRouting !== 'istio';

/** The route users reach the service through in one environment. */
export function userRoute(o: OverlayOptions, env: Environment) {
  const name = ROUTE_NAME(o);
  const host = hostOf(o, env);
  const tls = o.environments[env].requireTls;
  const metadata = {
    name,
    annotations: {
      ...wave(WAVE.identity),
      ...(tls ? { [REQUIRE_TLS_ANNOTATION]: 'true' } : {}),
      ...(tls && o.tls.clusterIssuer && isIngress(o)
        ? { 'cert-manager.io/cluster-issuer': o.tls.clusterIssuer }
        : {}),
    },
  };
  if (o.trafficRouting === 'gatewayAPI') {
    return {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        // the Gateway's HTTPS listener terminates TLS with the certificate it references
        parentRefs: [
          {
            name: o.gateway.name,
            namespace: o.gateway.namespace,
            ...(tls ? { sectionName: o.tls.gatewayListener } : {}),
          },
        ],
        hostnames: [host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: backends(o).map(b => ({
              name: b.name,
              port: 80,
              ...(b.weight !== undefined ? { weight: b.weight } : {}),
            })),
          },
        ],
      },
    };
  }
  if (o.trafficRouting === 'istio') {
    return {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata,
      spec: {
        // the external host through the gateway, and the root Service's name inside the mesh
        hosts: [host, o.name],
        gateways: [`${o.gateway.namespace}/${o.gateway.name}`, 'mesh'],
        http: [
          {
            name: ISTIO_ROUTE,
            route: backends(o).map(b => ({
              destination: { host: b.name, port: { number: 80 } },
              ...(b.weight !== undefined ? { weight: b.weight } : {}),
            })),
          },
        ],
      },
    };
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata,
    spec: {
      ingressClassName: o.ingressClassName,
      ...(tls
        ? { tls: [{ hosts: [host], secretName: tlsSecretName(o) }] }
        : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: {
                    name: backends(o)[0].name,
                    port: { name: 'http' },
                  },
                },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * Istio: mutual TLS between every workload of the namespace (the gateway's external TLS
 * is the Istio Gateway's, outside the service's tree).
 */
export function meshTls(o: OverlayOptions, env: Environment): object[] {
  if (o.trafficRouting !== 'istio' || !o.environments[env].requireTls)
    return [];
  return [
    {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: {
        name: 'default',
        annotations: {
          ...wave(WAVE.secrets),
          [REQUIRE_TLS_ANNOTATION]: 'true',
        },
      },
      spec: { mtls: { mode: 'STRICT' } },
    },
  ];
}

/** Namespace whose pods forward user requests to the service's pods. */
export function routerNamespace(o: OverlayOptions) {
  return o.trafficRouting === 'gatewayAPI' || o.trafficRouting === 'istio'
    ? o.gateway.namespace
    : o.ingressNamespace;
}
