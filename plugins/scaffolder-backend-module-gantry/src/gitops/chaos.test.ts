import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import { validateSchema } from './schemas';
import { writeTree, build, find, base } from './__testUtils__/overlayTree';

describe('Chaos Mesh drill in the staging canary', () => {
  jest.setTimeout(60_000);

  it('injects pod-kill, latency and loss into canary pods during the first staging analysis, never in production', async () => {
    const files = generateOverlays({
      ...base,
      chaos: { duration: '90s', mode: 'fixed-percent', percent: 50 },
    });
    const dir = writeTree(files);
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect((await validateTree(dir, { build: 'none' })).violations).toEqual([]);

    const staging = build(dir, 'overlays/staging');
    const rollout = find(staging, 'Rollout');
    expect(rollout.spec.strategy.canary.canaryMetadata).toEqual({
      labels: { 'gantry.dev/track': 'canary' },
    });
    const analyses = rollout.spec.strategy.canary.steps
      .filter((s: any) => s.analysis)
      .map((s: any) => s.analysis.templates.map((t: any) => t.templateName));
    expect(analyses[0]).toEqual([
      'checkout-canary-analysis',
      'checkout-chaos-drill',
    ]);
    expect(analyses.slice(1).flat()).not.toContain('checkout-chaos-drill');

    const configMap = find(staging, 'ConfigMap', 'checkout-chaos-drill');
    const experiments = Object.values<string>(configMap.data).map(t =>
      parseAllDocuments(t)[0].toJS(),
    );
    expect(
      experiments.map(e => [e.kind, e.spec.action, e.metadata.name]),
    ).toEqual([
      // ConfigMap data keys come sorted
      ['NetworkChaos', 'delay', 'checkout-drill-latency'],
      ['NetworkChaos', 'loss', 'checkout-drill-loss'],
      ['PodChaos', 'pod-kill', 'checkout-drill-pod-kill'],
    ]);
    for (const e of experiments) {
      expect(e.spec.selector).toEqual({
        namespaces: ['shop'],
        labelSelectors: {
          'app.kubernetes.io/name': 'checkout',
          'gantry.dev/track': 'canary',
        },
      });
      expect(e.spec).toMatchObject({ mode: 'fixed-percent', value: '50' });
    }
    expect(experiments[0].spec).toMatchObject({
      duration: '90s',
      delay: { latency: '200ms', jitter: '20ms' },
    });
    expect(experiments[1].spec.loss.loss).toBe('10');

    const template = find(staging, 'AnalysisTemplate', 'checkout-chaos-drill');
    const job = template.spec.metrics[0].provider.job.spec.template.spec;
    expect(job.serviceAccountName).toBe('checkout-chaos-drill');
    expect(
      [...job.initContainers, ...job.containers].map((c: any) =>
        c.command.slice(0, 2),
      ),
    ).toEqual([
      ['kubectl', 'delete'],
      ['kubectl', 'create'],
      ['kubectl', 'wait'],
    ]);
    expect(find(staging, 'Role', 'checkout-chaos-drill').rules).toEqual([
      {
        apiGroups: ['chaos-mesh.org'],
        resources: ['podchaos', 'networkchaos'],
        verbs: ['get', 'list', 'watch', 'create', 'delete'],
      },
    ]);

    const production = build(dir, 'overlays/production');
    expect(find(production, 'ConfigMap')).toBeUndefined();
    expect(find(production, 'AnalysisTemplate', 'checkout-chaos-drill')).toBe(
      undefined,
    );
    expect(
      JSON.stringify(find(production, 'Rollout').spec.strategy),
    ).not.toContain('chaos');

    const readme = files['chaos/README.md'];
    expect(readme).toContain('"chaos-drill"');
    expect(readme).toContain(
      '/api/gantry/entities/default/component/checkout/releases/$RELEASE/evidence/chaos-drill',
    );
  });

  it('refuses chaos in production, a missing percent, a fault outliving the analysis and blue-green', () => {
    expect(() =>
      generateOverlays({ ...base, chaos: { environment: 'production' } }),
    ).toThrow(
      /chaos\.environment chaos drills run in staging only: failure injection in production puts real users under the fault/,
    );
    expect(() =>
      generateOverlays({ ...base, chaos: { mode: 'fixed-percent' } }),
    ).toThrow(/chaos\.percent mode fixed-percent needs percent/);
    expect(() =>
      generateOverlays({ ...base, chaos: { duration: '10m' } }),
    ).toThrow(/chaos\.duration is 10m: .* within 4m/);
    expect(() =>
      generateOverlays({ ...base, strategy: 'blueGreen', chaos: {} }),
    ).toThrow(/chaos runs during a staging canary analysis step/);
    expect(() =>
      generateOverlays({ ...base, chaos: { experiments: ['cpu-burn'] } }),
    ).toThrow(/chaos\.experiments\.0/);
  });

  it('rejects a Chaos Mesh experiment in a production overlay and a malformed one anywhere', async () => {
    const dir = writeTree(generateOverlays({ ...base, chaos: {} }));
    const moved = path.join(dir, 'overlays/production/drill.yaml');
    fs.copyFileSync(
      path.join(dir, 'overlays/staging/chaos/pod-kill.yaml'),
      moved,
    );
    const latency = path.join(dir, 'overlays/staging/chaos/latency.yaml');
    const obj = parseAllDocuments(fs.readFileSync(latency, 'utf8'))[0].toJS();
    obj.spec.delay.latencyMs = 200;
    obj.spec.mode = 'half';
    fs.writeFileSync(latency, stringify(obj));
    const report = await validateTree(dir, { build: 'none' });
    expect(
      report.violations.map(
        v => `${v.file} ${v.object} ${v.field} ${v.message}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        "overlays/staging/chaos/latency.yaml NetworkChaos/checkout-drill-latency spec.mode Invalid enum value. Expected 'one' | 'all' | 'fixed' | 'fixed-percent' | 'random-max-percent', received 'half'",
        "overlays/staging/chaos/latency.yaml NetworkChaos/checkout-drill-latency spec.delay has unknown field 'latencyMs'",
        'overlays/production/drill.yaml PodChaos/checkout-drill-pod-kill  injects failures in production, where real users would take the fault',
      ]),
    );
    expect(report.violations).toHaveLength(3);
    // the kustomize build unpacks the drill ConfigMap: the same schema errors
    const built = await validateTree(dir, { build: 'kustomize' });
    expect(built.violations.map(v => v.file)).toEqual([
      'overlays/staging (kustomize build) ConfigMap/checkout-chaos-drill latency.yaml',
      'overlays/staging (kustomize build) ConfigMap/checkout-chaos-drill latency.yaml',
    ]);
  });

  it('validates PodChaos and NetworkChaos against the Chaos Mesh CRD fields', () => {
    const ok = {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'NetworkChaos',
      metadata: { name: 'x' },
      spec: {
        action: 'loss',
        mode: 'fixed',
        value: '1',
        selector: { labelSelectors: { app: 'x' } },
        loss: { loss: '25', correlation: '0' },
      },
    };
    const with_ = (spec: object) => ({ ...ok, spec });
    expect(validateSchema(ok)).toEqual([]);
    expect(validateSchema(with_({ ...ok.spec, value: undefined }))).toEqual([
      {
        field: 'spec.value',
        message:
          'is required for mode fixed, fixed-percent and random-max-percent',
      },
    ]);
    expect(
      validateSchema(with_({ ...ok.spec, loss: { loss: '250' } })),
    ).toEqual([
      {
        field: 'spec.loss.loss',
        message: 'must be a percentage string from "0" to "100"',
      },
    ]);
  });
});
