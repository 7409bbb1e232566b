import type { Manifest, Violation } from './policies';
import { REQUIRE_TLS_ANNOTATION } from './traffic';

const objectName = (m: Manifest) =>
  `${m.obj.kind}/${m.obj.metadata?.name ?? '(unnamed)'}`;
const group = (m: Manifest) => String(m.obj.apiVersion ?? '').split('/')[0];

/** `*.acme.com` covers `shop.acme.com` (one label), as TLS wildcard certificates do. */
function covers(tlsHost: string, host: string) {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const rest = host.split('.').slice(1).join('.');
  return rest === tlsHost.slice(2);
}

/** Environments whose manifests must carry TLS: asked for, or marked by the generator. */
export function tlsEnvironments(
  manifests: Manifest[],
  required: string[] = [],
): Set<string> {
  const envs = new Set(required);
  for (const m of manifests) {
    if (
      m.environment &&
      m.obj?.metadata?.annotations?.[REQUIRE_TLS_ANNOTATION] === 'true'
    )
      envs.add(m.environment);
  }
  return envs;
}

function ingressTls(m: Manifest, env: string, out: Violation[]) {
  const name = objectName(m);
  const add = (field: string, message: string, fix: string) =>
    out.push({ file: m.file, object: name, field, message, fix });
  const tls: any[] = m.obj.spec?.tls ?? [];
  const rules: any[] = m.obj.spec?.rules ?? [];
  if (tls.length === 0) {
    add(
      'spec.tls',
      `serves plain HTTP in ${env}, where TLS is required`,
      `Add spec.tls: [{hosts: [${rules
        .map(r => r.host)
        .filter(Boolean)
        .join(
          ', ',
        )}], secretName: <certificate Secret>}] (cert-manager fills it with the cert-manager.io/cluster-issuer annotation).`,
    );
    return;
  }
  tls.forEach((t, i) => {
    if (!t?.secretName)
      add(
        `spec.tls[${i}].secretName`,
        `has no secretName in ${env}, where TLS is required: the controller would serve its default certificate`,
        'Set secretName to the Secret holding the certificate for these hosts.',
      );
  });
  const tlsHosts: string[] = tls.flatMap(t => t?.hosts ?? []);
  rules.forEach((r, i) => {
    if (!r?.host) {
      add(
        `spec.rules[${i}].host`,
        `has a rule without host in ${env}, where TLS is required: no certificate can cover it`,
        'Give the rule the host users reach the service at, and list it in spec.tls[].hosts.',
      );
    } else if (!tlsHosts.some(h => covers(h, r.host))) {
      add(
        `spec.rules[${i}].host`,
        `serves host ${
          r.host
        } without TLS in ${env}, where TLS is required: it is not in spec.tls[].hosts (${
          tlsHosts.join(', ') || 'none'
        })`,
        `Add ${r.host} to spec.tls[].hosts with a secretName whose certificate covers it.`,
      );
    }
  });
}

function httpRouteTls(
  m: Manifest,
  env: string,
  all: Manifest[],
  out: Violation[],
) {
  const parents: any[] = m.obj.spec?.parentRefs ?? [];
  parents.forEach((p, i) => {
    const field = `spec.parentRefs[${i}].sectionName`;
    if (!p?.sectionName) {
      out.push({
        file: m.file,
        object: objectName(m),
        field,
        message: `attaches to every listener of Gateway ${p?.name} in ${env}, where TLS is required, including plain HTTP ones`,
        fix: "Set sectionName to the Gateway's HTTPS listener (tls.gatewayListener, default https).",
      });
      return;
    }
    const gateway = all.find(
      g =>
        g.environment === m.environment &&
        g.obj.kind === 'Gateway' &&
        group(g) === 'gateway.networking.k8s.io' &&
        g.obj.metadata?.name === p.name,
    );
    if (!gateway) return;
    const listener = (gateway.obj.spec?.listeners ?? []).find(
      (l: any) => l?.name === p.sectionName,
    );
    if (
      !listener ||
      listener.protocol !== 'HTTPS' ||
      !(listener.tls?.certificateRefs ?? []).length
    ) {
      out.push({
        file: m.file,
        object: objectName(m),
        field,
        message: `attaches to listener '${p.sectionName}' of Gateway ${
          p.name
        }, which is ${
          listener
            ? `${listener.protocol} without a certificate`
            : 'not one of its listeners'
        }, in ${env} where TLS is required`,
        fix: 'Attach to an HTTPS listener with tls.certificateRefs.',
      });
    }
  });
}

/** Istio: a namespace-wide STRICT PeerAuthentication keeps pod-to-pod traffic on mutual TLS. */
function meshTls(env: string, inEnv: Manifest[], out: Violation[]) {
  const mesh = inEnv.filter(m => group(m) === 'networking.istio.io');
  if (mesh.length === 0) return;
  const peerAuth = inEnv.filter(
    m =>
      m.obj.kind === 'PeerAuthentication' && group(m) === 'security.istio.io',
  );
  for (const p of peerAuth) {
    const mode = p.obj.spec?.mtls?.mode;
    if (mode && mode !== 'STRICT' && mode !== 'UNSET')
      out.push({
        file: p.file,
        object: objectName(p),
        field: 'spec.mtls.mode',
        message: `is ${mode} in ${env}, where TLS is required: pods accept plain text`,
        fix: 'Set spec.mtls.mode: STRICT.',
      });
    for (const [port, pm] of Object.entries<any>(
      p.obj.spec?.portLevelMtls ?? {},
    )) {
      if (pm?.mode && pm.mode !== 'STRICT')
        out.push({
          file: p.file,
          object: objectName(p),
          field: `spec.portLevelMtls.${port}.mode`,
          message: `lets port ${port} accept ${pm.mode} traffic in ${env}, where TLS is required`,
          fix: 'Remove the port exception or set it to STRICT.',
        });
    }
  }
  const strict = peerAuth.some(
    p => p.obj.spec?.mtls?.mode === 'STRICT' && !p.obj.spec?.selector,
  );
  if (!strict) {
    const m = mesh[0];
    out.push({
      file: m.file,
      object: objectName(m),
      field: '',
      message: `routes through the Istio mesh in ${env}, where TLS is required, but no PeerAuthentication makes mutual TLS STRICT for the namespace`,
      fix: 'Add a security.istio.io PeerAuthentication named default without selector and spec.mtls.mode: STRICT (the overlays generate it when requireTls is on).',
    });
  }
}

/** In each environment that requires TLS: every route host covered by a certificate, mesh traffic on mTLS. */
export function tlsPolicies(
  manifests: Manifest[],
  out: Violation[],
  required: string[] = [],
) {
  for (const env of tlsEnvironments(manifests, required)) {
    const inEnv = manifests.filter(m => m.environment === env);
    for (const m of inEnv) {
      if (m.obj.kind === 'Ingress' && group(m) === 'networking.k8s.io')
        ingressTls(m, env, out);
      if (
        m.obj.kind === 'HTTPRoute' &&
        group(m) === 'gateway.networking.k8s.io'
      )
        httpRouteTls(m, env, manifests, out);
    }
    meshTls(env, inEnv, out);
  }
}
