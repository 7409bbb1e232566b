import path from 'node:path';
import { generateOverlays } from './generate';
import { validateTree } from './validate';
import { writeTree, build, find } from './__testUtils__/overlayTree';

const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout',
  tag: '1.4.2',
  gitopsRepoUrl: 'https://github.com/acme/gitops',
  gitopsPath: 'services/checkout',
};

describe('generated GitOps overlays', () => {
  jest.setTimeout(60_000);

  describe.each(['canary', 'blueGreen'] as const)('%s', strategy => {
    const dir = writeTree(generateOverlays({ ...base, strategy }));

    it('builds every overlay with kustomize and passes gantry:gitops:validate', async () => {
      const report = await validateTree(dir, { build: 'kustomize' });
      expect(report.violations).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.unchecked).toEqual([]);
      // staging + production overlays (16 objects each for a canary: root, stable and
      // canary Services and the Ingress; 15 for blue-green) and the Argo CD project with two apps
      expect(report.checked).toBe((strategy === 'canary' ? 16 : 15) * 2 + 3);
      // amtool check-config: the AlertmanagerConfig of each overlay and the two plain configs
      expect(report.alertmanagerChecked).toBe(4);
    });

    it('passes validation of the files as they stand too', async () => {
      const report = await validateTree(dir, { build: 'none' });
      expect(report.violations).toEqual([]);
    });

    it('runs production with three replicas, a PDB, restricted pods and its own resources', () => {
      const prod = build(dir, 'overlays/production');
      const rollout = find(prod, 'Rollout');
      expect(rollout.metadata.namespace).toBe('shop');
      expect(rollout.metadata.labels['gantry.dev/environment']).toBe(
        'production',
      );
      expect(rollout.spec.replicas).toBe(3);
      expect(rollout.metadata.labels['backstage.io/kubernetes-id']).toBe(
        'checkout',
      );
      expect(
        rollout.spec.template.metadata.labels['backstage.io/kubernetes-id'],
      ).toBe('checkout');
      const c = rollout.spec.template.spec.containers[0];
      expect(c.image).toBe('ghcr.io/acme/checkout:1.4.2');
      expect(c.resources).toEqual({
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '1', memory: '512Mi' },
      });
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.lifecycle.preStop.exec.command).toEqual(['sleep', '10']);
      expect(rollout.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
      expect(
        rollout.spec.template.spec.topologySpreadConstraints[0].topologyKey,
      ).toBe('topology.kubernetes.io/zone');
      expect(find(prod, 'HorizontalPodAutoscaler').spec).toMatchObject({
        minReplicas: 3,
        maxReplicas: 12,
      });
      expect(
        find(prod, 'PodDisruptionBudget').spec.selector.matchLabels,
      ).toEqual({ 'app.kubernetes.io/name': 'checkout' });
      expect(find(prod, 'ExternalSecret').spec.dataFrom[0].extract.key).toBe(
        'production/checkout',
      );
      expect(
        find(prod, 'NetworkPolicy', 'checkout-default-deny').spec.policyTypes,
      ).toEqual(['Ingress', 'Egress']);
      expect(find(prod, 'ServiceAccount').automountServiceAccountToken).toBe(
        false,
      );
      // sync waves: policies and secrets first, workload, then scaling
      expect(
        find(prod, 'ExternalSecret').metadata.annotations[
          'argocd.argoproj.io/sync-wave'
        ],
      ).toBe('-2');
      expect(rollout.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(
        '0',
      );
      expect(
        find(prod, 'HorizontalPodAutoscaler').metadata.annotations[
          'argocd.argoproj.io/sync-wave'
        ],
      ).toBe('1');
    });

    it('generates an Argo CD Application per environment inside a locked-down AppProject', () => {
      const apps = build(dir, 'argocd');
      const project = find(apps, 'AppProject');
      expect(project.spec.sourceRepos).toEqual([
        'https://github.com/acme/gitops',
      ]);
      expect(project.spec.clusterResourceWhitelist).toEqual([
        { group: '', kind: 'Namespace', name: 'shop' },
      ]);
      expect(project.spec.destinations).toEqual([
        { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      ]);
      const staging = find(apps, 'Application', 'checkout-staging');
      const production = find(apps, 'Application', 'checkout-production');
      expect(staging.spec.source.path).toBe(
        'services/checkout/overlays/staging',
      );
      expect(staging.spec.syncPolicy.automated).toEqual({
        prune: true,
        selfHeal: true,
      });
      expect(production.spec.syncPolicy.automated).toBeUndefined();
      // Argo CD creates the namespace with Pod Security admission enforcing restricted
      expect(production.spec.syncPolicy.syncOptions).toContain(
        'CreateNamespace=true',
      );
      expect(
        production.spec.syncPolicy.managedNamespaceMetadata.labels,
      ).toEqual({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'latest',
        'gantry.dev/managed': 'true',
      });
      expect(production.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'checkout',
        'gantry.dev/environment': 'production',
      });
    });
  });

  it('walks canary weights 5, 25, 50, 75, 100 with an analysis at each step; 15 minute pauses in production', () => {
    const dir = writeTree(generateOverlays(base));
    const steps = (overlay: string) =>
      find(build(dir, overlay), 'Rollout').spec.strategy.canary.steps;
    const prod = steps('overlays/production');
    expect(
      prod.filter((s: any) => s.setWeight).map((s: any) => s.setWeight),
    ).toEqual([5, 25, 50, 75, 100]);
    expect(
      prod.filter((s: any) => s.pause).map((s: any) => s.pause.duration),
    ).toEqual(['15m', '15m', '15m', '15m']);
    expect(prod.filter((s: any) => s.analysis)).toHaveLength(4);
    expect(prod[0]).toEqual({ setCanaryScale: { matchTrafficWeight: true } });
    expect(prod[3].analysis.templates).toEqual([
      { templateName: 'checkout-canary-analysis' },
    ]);
    expect(
      steps('overlays/staging')
        .filter((s: any) => s.pause)
        .map((s: any) => s.pause.duration),
    ).toEqual(['2m', '2m', '2m', '2m']);
    // each analysis asks Gantry's judge about its own step, over the pause before it
    const arg = (step: any, name: string) =>
      step.analysis.args.find((a: any) => a.name === name).value;
    expect(
      prod
        .filter((s: any) => s.analysis)
        .map((s: any) => [arg(s, 'step'), arg(s, 'window-seconds')]),
    ).toEqual([
      ['3', '900'],
      ['6', '900'],
      ['9', '900'],
      ['12', '900'],
    ]);
    const template = find(
      build(dir, 'overlays/production'),
      'AnalysisTemplate',
    );
    const judge = template.spec.metrics.find(
      (m: any) => m.name === 'gantry-canary-judge',
    );
    expect(judge).toMatchObject({
      successCondition: 'result.verdict == "Pass"',
      failureCondition: 'result.verdict == "Fail"',
      provider: {
        web: {
          method: 'POST',
          url: 'http://backstage.backstage.svc.cluster.local:7007/api/gantry/entities/default/component/checkout/canary/analyses',
          jsonBody: {
            step: '{{args.step}}',
            canaryHash: '{{args.canary-hash}}',
            windowSeconds: '{{args.window-seconds}}',
          },
        },
      },
    });
    expect(
      template.spec.args.find((a: any) => a.name === 'gantry-token').valueFrom,
    ).toEqual({
      secretKeyRef: { name: 'checkout-alerting', key: 'canary-judge-token' },
    });
    const rollout = find(build(dir, 'overlays/production'), 'Rollout');
    expect(rollout.spec.strategy.canary).toMatchObject({
      maxUnavailable: 0,
      stableService: 'checkout-stable',
      canaryService: 'checkout-canary',
    });
  });

  it('needs a person to promote blue-green in production, not in staging', () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        strategy: 'blueGreen',
        secretStore: { provider: 'aws', name: 'aws-sm' },
      }),
    );
    const bg = (overlay: string) =>
      find(build(dir, overlay), 'Rollout').spec.strategy.blueGreen;
    expect(bg('overlays/production')).toMatchObject({
      activeService: 'checkout-active',
      previewService: 'checkout-preview',
      autoPromotionEnabled: false,
      prePromotionAnalysis: {
        templates: [{ templateName: 'checkout-canary-analysis' }],
      },
    });
    expect(bg('overlays/staging').autoPromotionEnabled).toBe(true);
    const es = find(build(dir, 'overlays/staging'), 'ExternalSecret');
    expect(es.spec).toMatchObject({
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-sm' },
      dataFrom: [{ extract: { key: 'staging/shop/checkout' } }],
    });
  });

  it('refuses input a cluster would refuse, naming the field', () => {
    expect(() => generateOverlays({ ...base, tag: 'latest' })).toThrow(
      /must not be "latest"/,
    );
    expect(() => generateOverlays({ ...base, name: 'Check_Out' })).toThrow(
      /^Invalid overlay input: name must be a DNS-1123 label/,
    );
    expect(() => generateOverlays({ ...base, port: 80 })).toThrow(
      /at least 1024/,
    );
  });
});

describe('gantry:gitops:validate on a broken tree', () => {
  it('names file, object and field for each violation and says how to fix it', async () => {
    const report = await validateTree(
      path.join(__dirname, '__fixtures__/broken'),
      { build: 'none' },
    );
    expect(report.valid).toBe(false);
    const byField = Object.fromEntries(
      report.violations.map(v => [`${v.object} ${v.field}`, v]),
    );
    const rollout = 'overlays/production/rollout.yaml';
    const c = 'spec.template.spec.containers[0]';
    expect(byField[`Rollout/payments ${c}.image`]).toMatchObject({
      file: rollout,
      message:
        "container 'payments' uses the :latest tag (ghcr.io/acme/payments:latest)",
      fix: 'Pin a version tag or a digest so every environment runs the same build.',
    });
    expect(
      byField[`Rollout/payments ${c}.securityContext.privileged`].message,
    ).toBe("container 'payments' is privileged");
    expect(
      byField[`Rollout/payments ${c}.securityContext.runAsNonRoot`],
    ).toBeDefined();
    expect(
      byField[`Rollout/payments ${c}.securityContext.capabilities.drop`],
    ).toBeDefined();
    expect(
      byField[`Rollout/payments ${c}.securityContext.readOnlyRootFilesystem`],
    ).toBeDefined();
    expect(byField[`Rollout/payments ${c}.resources.limits`].fix).toBe(
      'Set resources.limits.cpu and resources.limits.memory.',
    );
    expect(
      report.violations
        .filter(v => v.field === 'spec.strategy.canary.steps[3].setWeight')
        .map(v => v.message),
    ).toContain("canary weight 25 does not rise above the previous step's 50");
    expect(
      report.violations
        .filter(v => v.field === 'spec.strategy.canary.steps[3].setWeight')
        .map(v => v.message),
    ).toContain('the canary ends at 25 %, not 100 %');
    expect(byField['Rollout/payments spec.replicas'].message).toBe(
      'production runs 1 replica(s)',
    );
    expect(
      byField['Rollout/payments spec.template.metadata.labels'].message,
    ).toBe('no PodDisruptionBudget in production selects these pods');
    // schema errors, from kubernetes-models
    expect(byField['Service/payments spec.ports[0].port']).toMatchObject({
      file: 'overlays/production/service.yaml',
      message: 'must be integer',
    });
    // amtool check-config, on a plain config and on an AlertmanagerConfig as the operator merges it
    expect(report.alertmanagerChecked).toBe(2);
    expect(byField['Alertmanager config ']).toMatchObject({
      file: 'alerting/alertmanager.yml',
      message:
        'fails amtool check-config: undefined receiver "payments-pager" used in route',
    });
    expect(byField['AlertmanagerConfig/payments spec']).toMatchObject({
      file: 'overlays/production/alertmanagerconfig.yaml',
      message:
        "fails amtool check-config once merged into Alertmanager's config: no global Slack API URL set either inline or in a file",
    });
  });
});
