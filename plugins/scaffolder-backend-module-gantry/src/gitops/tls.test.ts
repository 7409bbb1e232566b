import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import { writeTree, build, find, base } from './__testUtils__/overlayTree';

/** Rewrites the documents of one file, as a person editing the overlay would. */
function edit(dir: string, rel: string, change: (obj: any) => any) {
  const file = path.join(dir, rel);
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d =>
    d.toJS(),
  );
  fs.writeFileSync(
    file,
    docs
      .map(change)
      .filter(Boolean)
      .map(d => stringify(d))
      .join('---\n'),
  );
}

describe('TLS required by the overlays and checked by gantry:gitops:validate', () => {
  jest.setTimeout(60_000);

  it('covers every production Ingress host with a certificate Secret; staging stays plain unless asked', async () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        tls: { clusterIssuer: 'letsencrypt-prod' },
        environments: { production: { host: 'checkout.acme.dev' } },
      }),
    );
    expect(
      (await validateTree(dir, { build: 'kustomize' })).violations,
    ).toEqual([]);
    const ingress = find(build(dir, 'overlays/production'), 'Ingress');
    expect(ingress.spec.tls).toEqual([
      { hosts: ['checkout.acme.dev'], secretName: 'checkout-tls' },
    ]);
    expect(ingress.metadata.annotations).toMatchObject({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'gantry.dev/require-tls': 'true',
    });
    expect(find(build(dir, 'overlays/staging'), 'Ingress').spec.tls).toBe(
      undefined,
    );
    // the validator can be told to require it where the overlays did not
    const staging = await validateTree(dir, {
      build: 'kustomize',
      requireTls: ['staging'],
    });
    expect(staging.violations).toEqual([
      expect.objectContaining({
        object: 'Ingress/checkout',
        field: 'spec.tls',
        message: 'serves plain HTTP in staging, where TLS is required',
      }),
    ]);
  });

  it('fails a hand-edited overlay whose Ingress serves a host outside spec.tls, or has no secretName', async () => {
    const dir = writeTree(generateOverlays(base));
    edit(dir, 'overlays/production/route.yaml', ingress => {
      ingress.spec.rules.push({
        ...ingress.spec.rules[0],
        host: 'api.checkout.example.com',
      });
      return ingress;
    });
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.valid).toBe(false);
    expect(report.violations).toEqual([
      {
        file: 'overlays/production (kustomize build)',
        object: 'Ingress/checkout',
        field: 'spec.rules[1].host',
        message:
          'serves host api.checkout.example.com without TLS in production, where TLS is required: it is not in spec.tls[].hosts (checkout.example.com)',
        fix: 'Add api.checkout.example.com to spec.tls[].hosts with a secretName whose certificate covers it.',
      },
    ]);

    edit(dir, 'overlays/production/route.yaml', ingress => {
      ingress.spec.tls = [
        { hosts: ['checkout.example.com', '*.checkout.example.com'] },
      ];
      return ingress;
    });
    const noSecret = await validateTree(dir, { build: 'none' });
    expect(noSecret.violations.map(v => `${v.field}: ${v.message}`)).toEqual([
      'spec.tls[0].secretName: has no secretName in production, where TLS is required: the controller would serve its default certificate',
    ]);
  });

  it('Istio: STRICT mutual TLS for the namespace; removing it fails validation', async () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        trafficRouting: 'istio',
        environments: { staging: { requireTls: true } },
      }),
    );
    expect(
      (await validateTree(dir, { build: 'kustomize' })).violations,
    ).toEqual([]);
    for (const env of ['staging', 'production']) {
      expect(
        find(build(dir, `overlays/${env}`), 'PeerAuthentication'),
      ).toMatchObject({
        apiVersion: 'security.istio.io/v1beta1',
        metadata: { name: 'default', namespace: 'shop' },
        spec: { mtls: { mode: 'STRICT' } },
      });
    }
    edit(dir, 'overlays/production/route.yaml', obj =>
      obj.kind === 'PeerAuthentication' ? undefined : obj,
    );
    edit(dir, 'overlays/staging/route.yaml', obj =>
      obj.kind === 'PeerAuthentication'
        ? { ...obj, spec: { mtls: { mode: 'PERMISSIVE' } } }
        : obj,
    );
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(
      report.violations.map(v => `${v.object} ${v.message}`).sort(),
    ).toEqual([
      'PeerAuthentication/default is PERMISSIVE in staging, where TLS is required: pods accept plain text',
      'VirtualService/checkout routes through the Istio mesh in production, where TLS is required, but no PeerAuthentication makes mutual TLS STRICT for the namespace',
      'VirtualService/checkout routes through the Istio mesh in staging, where TLS is required, but no PeerAuthentication makes mutual TLS STRICT for the namespace',
    ]);
  });

  it("Gateway API: the HTTPRoute attaches to the Gateway's HTTPS listener", async () => {
    const dir = writeTree(
      generateOverlays({ ...base, trafficRouting: 'gatewayAPI' }),
    );
    expect(
      (await validateTree(dir, { build: 'kustomize' })).violations,
    ).toEqual([]);
    expect(
      find(build(dir, 'overlays/production'), 'HTTPRoute').spec.parentRefs,
    ).toEqual([
      {
        name: 'gantry-gateway',
        namespace: 'gateway-system',
        sectionName: 'https',
      },
    ]);
    edit(dir, 'overlays/production/route.yaml', route => {
      delete route.spec.parentRefs[0].sectionName;
      return route;
    });
    const report = await validateTree(dir, { build: 'none' });
    expect(report.violations).toEqual([
      expect.objectContaining({
        object: 'HTTPRoute/checkout',
        field: 'spec.parentRefs[0].sectionName',
        message:
          'attaches to every listener of Gateway gantry-gateway in production, where TLS is required, including plain HTTP ones',
      }),
    ]);

    // with the Gateway in the tree, its listener must be HTTPS with a certificate
    edit(dir, 'overlays/production/route.yaml', route => {
      route.spec.parentRefs[0].sectionName = 'https';
      return route;
    });
    fs.writeFileSync(
      path.join(dir, 'overlays/production/gateway.yaml'),
      stringify({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gantry-gateway', namespace: 'gateway-system' },
        spec: {
          gatewayClassName: 'istio',
          listeners: [{ name: 'https', port: 443, protocol: 'HTTP' }],
        },
      }),
    );
    const plain = await validateTree(dir, { build: 'none' });
    expect(plain.violations.map(v => v.message)).toEqual([
      "attaches to listener 'https' of Gateway gantry-gateway, which is HTTP without a certificate, in production where TLS is required",
    ]);
  });
});
