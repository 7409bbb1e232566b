import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import { validateSchema } from './schemas';
import { GATE_METRIC } from './gate';
import { writeTree, build, find } from './__testUtils__/overlayTree';

const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout',
  tag: '1.4.2',
  gitopsRepoUrl: 'https://github.com/acme/gitops',
  gitopsPath: 'services/checkout',
};
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const GATE_URL = (env: string) =>
  `http://backstage.backstage.svc.cluster.local:7007/api/gantry/entities/default/component/checkout/releases/{{args.release}}/gates/${env}`;

/** Edits a generated YAML file in place, as Gantry's promotion (or a person) would. */
function edit(dir: string, rel: string, change: (doc: any) => void) {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, 'utf8');
  const doc = parse(text.replace(/^#.*\n/, ''));
  change(doc);
  fs.writeFileSync(file, stringify(doc, { lineWidth: 0 }));
}

describe("the generated rollout asks Gantry's release gate", () => {
  jest.setTimeout(60_000);

  it('gives each overlay exactly one images: entry for the service image', () => {
    const files = generateOverlays({ ...base, digest: DIGEST });
    for (const env of ['staging', 'production']) {
      const k = parse(
        files[`overlays/${env}/kustomization.yaml`].replace(/^#.*\n/, ''),
      );
      expect(k.images).toEqual([
        {
          name: 'ghcr.io/acme/checkout',
          newName: 'ghcr.io/acme/checkout',
          newTag: '1.4.2',
          digest: DIGEST,
        },
      ]);
    }
    const noDigest = parse(
      generateOverlays(base)['overlays/production/kustomization.yaml'].replace(
        /^#.*\n/,
        '',
      ),
    );
    expect(noDigest.images).toEqual([
      {
        name: 'ghcr.io/acme/checkout',
        newName: 'ghcr.io/acme/checkout',
        newTag: '1.4.2',
      },
    ]);
  });

  it('renders <image>:<tag>@<digest> and the release label after a promotion rewrites newTag and digest', async () => {
    const dir = writeTree(generateOverlays(base));
    const digest = `sha256:${'fedcba9876543210'.repeat(4)}`;
    edit(dir, 'overlays/production/kustomization.yaml', k => {
      k.images[0].newTag = '2.0.1';
      k.images[0].digest = digest;
    });
    const prod = find(build(dir, 'overlays/production'), 'Rollout');
    expect(prod.spec.template.spec.containers[0].image).toBe(
      `ghcr.io/acme/checkout:2.0.1@${digest}`,
    );
    // the analysis reads the release from here: it follows the promoted tag
    expect(prod.metadata.labels['app.kubernetes.io/version']).toBe('2.0.1');
    expect(
      prod.spec.template.metadata.labels['app.kubernetes.io/version'],
    ).toBe('2.0.1');
    // staging keeps its own version
    const staging = find(build(dir, 'overlays/staging'), 'Rollout');
    expect(staging.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/acme/checkout:1.4.2',
    );
    expect(staging.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([]);
  });

  it('finds the tag behind a registry port too', () => {
    const dir = writeTree(
      generateOverlays({ ...base, image: 'registry.local:5000/acme/checkout' }),
    );
    const prod = find(build(dir, 'overlays/production'), 'Rollout');
    expect(prod.spec.template.spec.containers[0].image).toBe(
      'registry.local:5000/acme/checkout:1.4.2',
    );
    expect(prod.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
  });

  it('makes the gate the first metric: GET the release gate, verdict must be pass, no failure allowed', () => {
    const dir = writeTree(generateOverlays(base));
    for (const env of ['staging', 'production']) {
      const objs = build(dir, `overlays/${env}`);
      const template = find(objs, 'AnalysisTemplate');
      expect(validateSchema(template)).toEqual([]);
      expect(template.spec.metrics[0]).toEqual({
        name: GATE_METRIC,
        count: 1,
        failureLimit: 0,
        consecutiveErrorLimit: 2,
        successCondition: 'result == "pass"',
        provider: {
          web: {
            method: 'GET',
            url: GATE_URL('{{args.environment}}'),
            timeoutSeconds: 20,
            headers: [
              { key: 'Authorization', value: 'Bearer {{args.gate-token}}' },
              { key: 'Accept', value: 'application/json' },
            ],
            jsonPath: '{$.verdict}',
          },
        },
      });
      expect(template.spec.args).toEqual(
        expect.arrayContaining([
          { name: 'release' },
          { name: 'environment' },
          {
            name: 'gate-token',
            valueFrom: {
              secretKeyRef: { name: 'checkout-alerting', key: 'gate-token' },
            },
          },
        ]),
      );
      // every analysis step passes the release (from the Rollout's version label) and its environment
      const steps = find(objs, 'Rollout').spec.strategy.canary.steps.filter(
        (s: any) => s.analysis,
      );
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step.analysis.args).toEqual(
          expect.arrayContaining([
            {
              name: 'release',
              valueFrom: {
                fieldRef: {
                  fieldPath: "metadata.labels['app.kubernetes.io/version']",
                },
              },
            },
            { name: 'environment', value: env },
          ]),
        );
      }
      // the token comes from the secret store with the other Gantry tokens
      const secret = objs.find(
        o =>
          o.kind === 'ExternalSecret' &&
          o.metadata.name === 'checkout-alerting',
      );
      expect(secret.spec.data).toContainEqual({
        secretKey: 'gate-token',
        remoteRef: { key: `${env}/gantry`, property: 'gate-token' },
      });
    }
  });

  it('blue-green asks the same gate before promotion', () => {
    const dir = writeTree(generateOverlays({ ...base, strategy: 'blueGreen' }));
    const objs = build(dir, 'overlays/production');
    const pre = find(objs, 'Rollout').spec.strategy.blueGreen
      .prePromotionAnalysis;
    expect(pre.templates).toEqual([
      { templateName: 'checkout-canary-analysis' },
    ]);
    expect(pre.args).toEqual(
      expect.arrayContaining([
        { name: 'environment', value: 'production' },
        {
          name: 'release',
          valueFrom: {
            fieldRef: {
              fieldPath: "metadata.labels['app.kubernetes.io/version']",
            },
          },
        },
      ]),
    );
    const template = find(objs, 'AnalysisTemplate');
    expect(template.metadata.name).toBe('checkout-canary-analysis');
    expect(template.spec.metrics[0].name).toBe(GATE_METRIC);
    expect(template.spec.metrics[0].provider.web.url).toBe(
      GATE_URL('{{args.environment}}'),
    );
  });

  it('documents the gate and how to create its token', () => {
    const readme = generateOverlays(base)['gate/README.md'];
    expect(readme).toContain(`GET ${GATE_URL('{{args.environment}}')}`);
    expect(readme).toContain('type: static');
    expect(readme).toContain('property `gate-token` of `<environment>/gantry`');
  });

  it('takes the gate base URL and token Secret from the options', () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        gate: {
          baseUrl: 'https://portal.acme.dev/',
          tokenSecretName: 'gantry-gate',
          tokenSecretKey: 'token',
        },
      }),
    );
    const objs = build(dir, 'overlays/production');
    const template = find(objs, 'AnalysisTemplate');
    expect(template.spec.metrics[0].provider.web.url).toBe(
      'https://portal.acme.dev/api/gantry/entities/default/component/checkout/releases/{{args.release}}/gates/{{args.environment}}',
    );
    expect(
      template.spec.args.find((a: any) => a.name === 'gate-token').valueFrom,
    ).toEqual({ secretKeyRef: { name: 'gantry-gate', key: 'token' } });
    // a Secret of its own is the platform's to provide: not added to the alerting ExternalSecret
    const secret = objs.find(
      o =>
        o.kind === 'ExternalSecret' && o.metadata.name === 'checkout-alerting',
    );
    expect(secret.spec.data.map((d: any) => d.secretKey)).not.toContain(
      'token',
    );
  });

  describe('gantry:gitops:validate refuses a production rollout that can skip the gate', () => {
    const violationsAfter = async (change: (t: any) => void) => {
      const dir = writeTree(generateOverlays(base));
      edit(dir, 'base/analysistemplate.yaml', change);
      const report = await validateTree(dir, { build: 'kustomize' });
      return report.violations.filter(
        v => v.object === 'AnalysisTemplate/checkout-canary-analysis',
      );
    };

    it('fails when the gate metric is removed', async () => {
      const v = await violationsAfter(t => {
        t.spec.metrics = t.spec.metrics.filter(
          (m: any) => m.name !== GATE_METRIC,
        );
      });
      expect(v).toEqual([
        expect.objectContaining({
          file: 'overlays/production (kustomize build)',
          field: 'spec.metrics[0]',
          message: expect.stringMatching(
            /is not Gantry's release gate \(gantry-canary-judge\)/,
          ),
        }),
      ]);
    });

    it('fails when the gate metric is not first', async () => {
      const v = await violationsAfter(t => {
        t.spec.metrics.push(t.spec.metrics.shift());
      });
      expect(v).toHaveLength(1);
      expect(v[0].message).toMatch(/a release that fails its gate can advance/);
    });

    it('fails when the gate tolerates a failed verdict', async () => {
      const v = await violationsAfter(t => {
        t.spec.metrics[0].failureLimit = 1;
      });
      expect(v).toHaveLength(1);
    });

    it('fails a production canary with no analysis step', async () => {
      const dir = writeTree(generateOverlays(base));
      edit(dir, 'overlays/production/rollout-patch.yaml', ops => {
        const steps = ops.find(
          (op: any) => op.path === '/spec/strategy/canary/steps',
        );
        steps.value = steps.value.filter((s: any) => !s.analysis);
      });
      const report = await validateTree(dir, { build: 'kustomize' });
      expect(report.violations).toEqual([
        expect.objectContaining({
          object: 'Rollout/checkout',
          field: 'spec.strategy.canary.steps',
          message: "runs no analysis, so nothing asks Gantry's release gate",
        }),
      ]);
    });
  });
});
