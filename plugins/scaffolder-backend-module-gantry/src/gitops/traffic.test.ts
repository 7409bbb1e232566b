import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import { expectedCanaryMinutes } from './canaryPlan';
import { overlayOptionsSchema } from './options';
import { writeTree, build, find, base } from './__testUtils__/overlayTree';

const weights = (steps: any[]) =>
  steps.filter(s => s.setWeight).map(s => s.setWeight);

describe('traffic routing of the generated canary', () => {
  jest.setTimeout(60_000);

  it.each([
    [
      'nginx',
      { nginx: { stableIngress: 'checkout' } },
      'Ingress',
      (r: any) => r.spec.rules[0].http.paths[0].backend.service.name,
      'checkout-stable',
    ],
    [
      'gatewayAPI',
      {
        plugins: {
          'argoproj-labs/gatewayAPI': {
            httpRoute: 'checkout',
            namespace: 'shop',
          },
        },
      },
      'HTTPRoute',
      (r: any) =>
        r.spec.rules[0].backendRefs
          .map((b: any) => `${b.name}=${b.weight}`)
          .join(','),
      'checkout-stable=100,checkout-canary=0',
    ],
    [
      'istio',
      { istio: { virtualService: { name: 'checkout', routes: ['primary'] } } },
      'VirtualService',
      (r: any) =>
        r.spec.http[0].route
          .map((d: any) => `${d.destination.host}=${d.weight}`)
          .join(','),
      'checkout-stable=100,checkout-canary=0',
    ],
    [
      'smi',
      { smi: { rootService: 'checkout', trafficSplitName: 'checkout' } },
      'Ingress',
      (r: any) => r.spec.rules[0].http.paths[0].backend.service.name,
      'checkout',
    ],
  ])(
    '%s: setWeight is a share of requests, users come in through the routed service',
    async (router, routing, routeKind, backendOf, backend) => {
      const dir = writeTree(
        generateOverlays({ ...base, trafficRouting: router }),
      );
      const report = await validateTree(dir, { build: 'kustomize' });
      expect(report.violations).toEqual([]);
      expect(report.unchecked).toEqual([]);
      const prod = build(dir, 'overlays/production');
      const canary = find(prod, 'Rollout').spec.strategy.canary;
      expect(canary.trafficRouting).toEqual(routing);
      expect(canary.steps[0]).toEqual({
        setCanaryScale: { matchTrafficWeight: true },
      });
      expect(weights(canary.steps)).toEqual([5, 25, 50, 75, 100]);
      // root, stable and canary Services, all in the service's namespace
      expect(
        prod
          .filter(o => o.kind === 'Service')
          .map(o => o.metadata.name)
          .sort(),
      ).toEqual(['checkout', 'checkout-canary', 'checkout-stable']);
      const route = find(prod, routeKind, 'checkout');
      expect(route.metadata.namespace).toBe('shop');
      expect(backendOf(route)).toBe(backend);
      const host =
        route.spec.rules?.[0]?.host ??
        route.spec.hostnames?.[0] ??
        route.spec.hosts?.[0];
      expect(host).toBe('checkout.example.com');
      expect(
        find(build(dir, 'overlays/staging'), routeKind, 'checkout'),
      ).toBeDefined();
    },
  );

  it.each([
    ['gatewayAPI', 'HTTPRoute', 'spec.rules[0].backendRefs[0].port'],
    ['istio', 'VirtualService', 'spec.http[0].route[0].weight'],
  ])(
    '%s: gantry:gitops:validate checks the %s against its schema',
    async (router, kind, field) => {
      const dir = writeTree(
        generateOverlays({ ...base, trafficRouting: router }),
      );
      const file = path.join(dir, 'overlays/staging/route.yaml');
      const route = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJS();
      if (kind === 'HTTPRoute')
        route.spec.rules[0].backendRefs[0].port = 'http';
      else route.spec.http[0].route[0].weight = 'all';
      fs.writeFileSync(file, JSON.stringify(route));
      const report = await validateTree(dir, { build: 'kustomize' });
      expect(report.violations).toEqual([
        expect.objectContaining({
          file: 'overlays/staging (kustomize build)',
          object: `${kind}/checkout`,
          field,
        }),
      ]);
    },
  );

  it('lets the gateway namespace, not the ingress controller, reach the pods behind a Gateway', () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        trafficRouting: 'gatewayAPI',
        gateway: { name: 'public', namespace: 'edge' },
      }),
    );
    const prod = build(dir, 'overlays/production');
    // production requires TLS: the route attaches to the Gateway's HTTPS listener
    expect(find(prod, 'HTTPRoute').spec.parentRefs).toEqual([
      { name: 'public', namespace: 'edge', sectionName: 'https' },
    ]);
    const from = find(prod, 'NetworkPolicy', 'checkout-allow-ingress').spec
      .ingress[0].from[0];
    expect(from.namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'edge',
    });
  });

  it('without a router, weights are shares of pods: one step per replica, users through the root Service', async () => {
    const dir = writeTree(
      generateOverlays({ ...base, trafficRouting: 'none' }),
    );
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([]);
    const prod = build(dir, 'overlays/production');
    const canary = find(prod, 'Rollout').spec.strategy.canary;
    expect(canary.trafficRouting).toBeUndefined();
    expect(canary.steps.some((s: any) => s.setCanaryScale)).toBe(false);
    // 3 production replicas: 1, 2, 3 pods; 2 staging replicas: 1, 2 pods
    expect(weights(canary.steps)).toEqual([33, 67, 100]);
    expect(
      weights(
        find(build(dir, 'overlays/staging'), 'Rollout').spec.strategy.canary
          .steps,
      ),
    ).toEqual([50, 100]);
    expect(
      find(prod, 'Ingress').spec.rules[0].http.paths[0].backend.service.name,
    ).toBe('checkout');
  });

  it('refuses weights finer than one pod without a router, saying which weights work', () => {
    expect(() =>
      generateOverlays({
        ...base,
        trafficRouting: 'none',
        environments: { production: { canaryWeights: [5, 25, 50, 75, 100] } },
      }),
    ).toThrow(
      /environments\.production\.canaryWeights has 5: with trafficRouting none a weight is a share of pods and 3 replicas only allow steps of 33 % \(33, 67, 100\)/,
    );
    expect(() =>
      generateOverlays({
        ...base,
        trafficRouting: 'none',
        environments: { staging: { replicas: 1 } },
      }),
    ).toThrow(
      /environments\.staging\.replicas is 1: .* no canary step below 100 %/,
    );
    // the same weights through a router are fine
    expect(() =>
      generateOverlays({
        ...base,
        trafficRouting: 'nginx',
        environments: { production: { canaryWeights: [5, 25, 50, 75, 100] } },
      }),
    ).not.toThrow();
  });

  it('gantry:gitops:validate refuses setCanaryScale without trafficRouting, as Argo Rollouts does', async () => {
    const dir = writeTree(
      generateOverlays({ ...base, trafficRouting: 'none' }),
    );
    const file = path.join(dir, 'overlays/production/rollout-patch.yaml');
    const ops = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJS();
    const steps = ops.find(
      (op: any) => op.path === '/spec/strategy/canary/steps',
    );
    steps.value.unshift({ setCanaryScale: { replicas: 1 } });
    fs.writeFileSync(file, JSON.stringify(ops));
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([
      expect.objectContaining({
        file: 'overlays/production (kustomize build)',
        object: 'Rollout/checkout',
        field: 'spec.strategy.canary.steps[0].setCanaryScale',
        message: expect.stringMatching(
          /requires spec\.strategy\.canary\.trafficRouting/,
        ),
      }),
    ]);
  });
});

describe('canary duration', () => {
  it('takes weights and observation time per environment and computes the expected duration', () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        environments: {
          production: { pauseMinutes: 5, canaryWeights: [10, 50, 100] },
        },
      }),
    );
    const steps = find(build(dir, 'overlays/production'), 'Rollout').spec
      .strategy.canary.steps;
    expect(weights(steps)).toEqual([10, 50, 100]);
    expect(
      steps.filter((s: any) => s.pause).map((s: any) => s.pause.duration),
    ).toEqual(['5m', '5m']);
    const o = overlayOptionsSchema.parse({
      ...base,
      environments: {
        production: { pauseMinutes: 5, canaryWeights: [10, 50, 100] },
      },
    });
    // 2 steps x (5 min observation + 4 min analysis)
    expect(expectedCanaryMinutes(o, 'production')).toBe(18);
    // today's default production walk: 4 x (15 + 4)
    expect(
      expectedCanaryMinutes(overlayOptionsSchema.parse(base), 'production'),
    ).toBe(76);
  });

  it('refuses an observation time shorter than two query intervals, naming the option', () => {
    expect(() =>
      generateOverlays({
        ...base,
        environments: { staging: { pauseMinutes: 1 } },
      }),
    ).toThrow(
      /environments\.staging\.pauseMinutes is 1: the canary analysis needs at least 2 minutes/,
    );
    expect(() =>
      generateOverlays({
        ...base,
        environments: { production: { canaryWeights: [50, 25, 100] } },
      }),
    ).toThrow(/environments\.production\.canaryWeights must rise step by step/);
    expect(() =>
      generateOverlays({
        ...base,
        environments: { production: { canaryWeights: [10, 50] } },
      }),
    ).toThrow(/environments\.production\.canaryWeights must end with 100/);
  });
});

describe('network policy egress allow-list', () => {
  jest.setTimeout(60_000);

  it('adds the declared dependencies beside DNS and keeps the default deny', async () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        egress: [
          {
            host: 'orders-db.internal.acme.dev',
            cidr: '10.20.0.0/24',
            ports: [{ port: 5432 }],
          },
          {
            namespace: 'payments',
            podLabels: { 'app.kubernetes.io/name': 'payment-gateway' },
            ports: [{ port: 8080, protocol: 'TCP' }],
          },
        ],
      }),
    );
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([]);
    const prod = build(dir, 'overlays/production');
    expect(
      find(prod, 'NetworkPolicy', 'checkout-default-deny').spec.policyTypes,
    ).toEqual(['Ingress', 'Egress']);
    expect(find(prod, 'NetworkPolicy', 'checkout-allow-dns')).toBeDefined();
    const deps = find(prod, 'NetworkPolicy', 'checkout-allow-dependencies');
    expect(deps.spec.policyTypes).toEqual(['Egress']);
    expect(deps.spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '10.20.0.0/24' } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'payments' },
            },
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'payment-gateway' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(deps.metadata.annotations['gantry.dev/egress-hosts']).toBe(
      'orders-db.internal.acme.dev, payments',
    );
  });

  it('generates no allow-list without dependencies, and refuses a host without its address range', () => {
    const files = generateOverlays(base);
    expect(files['base/networkpolicy.yaml']).not.toContain(
      'allow-dependencies',
    );
    expect(() =>
      generateOverlays({
        ...base,
        egress: [{ host: 'db.acme.dev', ports: [{ port: 5432 }] }],
      }),
    ).toThrow(
      /egress\.0 needs either cidr \(an address range; for a host name give the range it resolves to\) or namespace/,
    );
    expect(() =>
      generateOverlays({
        ...base,
        egress: [{ namespace: 'payments', ports: [] }],
      }),
    ).toThrow(/egress\.0\.ports needs at least one port/);
  });
});
