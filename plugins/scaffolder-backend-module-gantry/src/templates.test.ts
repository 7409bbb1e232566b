import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { scaffolderModuleGantry } from './module';
import { validateTree } from './gitops/validate';
import { amtoolRoutesTest } from './gitops/amtool';
import { directoryContents, writeOut } from './__testUtils__/dryRunFiles';

jest.setTimeout(120_000);
const templatesDir = path.resolve(__dirname, '../../../templates');

describe('templates in a dry run through the real scaffolder backend', () => {
  let server: any;
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        // the portal's publish actions, as the templates use them (skipped in a dry run)
        scaffolderGithubModule,
        scaffolderModuleGantry,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.acme.dev' },
            backend: { baseUrl: 'https://portal.acme.dev' },
            integrations: {
              github: [{ host: 'github.com', token: 'not-used-in-a-dry-run' }],
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payment-gateway', namespace: 'default' },
              spec: {
                type: 'service',
                owner: 'group:default/payments',
                lifecycle: 'production',
              },
            },
          ],
        }),
      ],
    }));
  });

  async function dryRun(name: string, values: object) {
    const dir = path.join(templatesDir, name);
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: parse(
          fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
        ),
        values,
        secrets: {},
        directoryContents: directoryContents(dir),
      });
    if (res.status !== 200)
      throw new Error(
        `dry run failed: ${res.status} ${JSON.stringify(res.body)}`,
      );
    return res.body as {
      log: Array<{
        body: { message: string; status?: string; stepId?: string };
      }>;
      directoryContents: Array<{ path: string; base64Content: string }>;
      output: any;
      steps: Array<{ id: string }>;
    };
  }
  const failures = (r: {
    log: Array<{ body: { status?: string; message: string } }>;
  }) => r.log.filter(l => l.body.status === 'failed').map(l => l.body.message);

  it('service-onboarding renders the repository with annotations, validated overlays, alert routing, SLOs, runbooks and flags', async () => {
    const r = await dryRun('service-onboarding', {
      name: 'inventory',
      description: 'Stock levels',
      owner: 'group:default/platform',
      namespace: 'shop',
      image: 'ghcr.io/acme/inventory',
      strategy: 'canary',
      secretStore: 'vault',
      availabilityObjective: 99.9,
      pager: 'pagerduty',
      ticket: 'slack',
      slackChannel: '#inventory-oncall',
      trafficRouting: 'istio',
      productionCanaryWeights: [10, 50, 100],
      productionPauseMinutes: 5,
      stagingPauseMinutes: 3,
      egress: [
        { host: 'orders-db.acme.dev', cidr: '10.20.0.0/24', port: 5432 },
        { namespace: 'payments', app: 'payment-gateway', port: 8080 },
      ],
      repoUrl: 'github.com?owner=acme&repo=inventory',
    });
    expect(failures(r)).toEqual([]);
    const files = r.directoryContents.map(f => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'catalog-info.yaml',
        'slos.yaml',
        'flags.json',
        'README.md',
        'deploy/base/rollout.yaml',
        'deploy/overlays/production/rollout-patch.yaml',
        'deploy/argocd/application-production.yaml',
      ]),
    );
    const dir = writeOut(r.directoryContents);
    const catalogInfo = parse(
      fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
    );
    expect(catalogInfo.metadata.annotations).toMatchObject({
      'argocd/app-selector': 'app.kubernetes.io/name=inventory',
      'backstage.io/kubernetes-id': 'inventory',
      'gantry.dev/slo-spec': './slos.yaml',
      'gantry.dev/feature-flags': 'enabled',
    });
    expect(catalogInfo.spec.owner).toBe('group:default/platform');
    const slos = parse(fs.readFileSync(path.join(dir, 'slos.yaml'), 'utf8'));
    expect(slos).toMatchObject({
      version: 'prometheus/v1',
      service: 'inventory',
      slos: [{ objective: 99.9 }],
    });
    expect(slos.slos[0].sli.events.error_query).toContain('[{{.window}}]');
    expect(
      JSON.parse(fs.readFileSync(path.join(dir, 'flags.json'), 'utf8')).flags[
        'inventory-new-feature'
      ].defaultVariant,
    ).toBe('off');
    const app = parse(
      fs.readFileSync(
        path.join(dir, 'deploy/argocd/application-production.yaml'),
        'utf8',
      ),
    );
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://github.com/acme/inventory',
      path: 'deploy/overlays/production',
    });
    expect(
      await validateTree(path.join(dir, 'deploy'), { build: 'kustomize' }),
    ).toMatchObject({ valid: true, alertmanagerChecked: 4, unchecked: [] });
    // the form's router, canary walk and dependencies reach the overlays
    expect(
      fs.readFileSync(
        path.join(dir, 'deploy/overlays/production/route.yaml'),
        'utf8',
      ),
    ).toContain('kind: VirtualService');
    const prodSteps = parse(
      fs.readFileSync(
        path.join(dir, 'deploy/overlays/production/rollout-patch.yaml'),
        'utf8',
      ),
    ).find((op: any) => op.path === '/spec/strategy/canary/steps').value;
    expect(
      prodSteps
        .filter((st: any) => st.setWeight)
        .map((st: any) => st.setWeight),
    ).toEqual([10, 50, 100]);
    expect(
      prodSteps
        .filter((st: any) => st.pause)
        .map((st: any) => st.pause.duration),
    ).toEqual(['5m', '5m']);
    const egress = parseAllDocuments(
      fs.readFileSync(path.join(dir, 'deploy/base/networkpolicy.yaml'), 'utf8'),
    )
      .map(d => d.toJS())
      .find(p => p.metadata.name === 'inventory-allow-dependencies');
    expect(egress.spec.egress).toEqual([
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
    // the task's output states the expected canary duration per environment
    expect(JSON.stringify(r.output)).toContain(
      'In production: 10, 50, 100 % of requests; 5 min observation + 4 min analysis per step: about 18 min',
    );
    expect(JSON.stringify(r.output)).toContain(
      'Canary in staging: 5, 25, 50, 75, 100 % of requests; 3 min observation + 4 min analysis per step: about 28 min',
    );
    const analysis = parse(
      fs.readFileSync(
        path.join(dir, 'deploy/base/analysistemplate.yaml'),
        'utf8',
      ),
    );
    expect(analysis.spec.metrics[0].name).toBe('gantry-release-gate');
    expect(
      analysis.spec.args.find((a: any) => a.name === 'gate-token').valueFrom,
    ).toEqual({
      secretKeyRef: { name: 'inventory-alerting', key: 'gate-token' },
    });

    // alerts carry the entity and link their TechDocs runbook, which the template wrote
    const alertName = 'InventoryHighErrorRate';
    expect(catalogInfo.metadata.annotations['backstage.io/techdocs-ref']).toBe(
      'dir:.',
    );
    expect(slos.labels).toMatchObject({
      gantry_entity: 'component:default/inventory',
      namespace: 'shop',
    });
    expect(slos.slos[0].alerting).toMatchObject({
      name: alertName,
      annotations: {
        runbook_url: `https://portal.acme.dev/docs/default/component/inventory/runbooks/${alertName}/`,
      },
    });
    const mkdocs = parse(fs.readFileSync(path.join(dir, 'mkdocs.yml'), 'utf8'));
    expect(mkdocs.nav).toEqual([
      { Home: 'index.md' },
      { Runbooks: [{ [alertName]: `runbooks/${alertName}.md` }] },
    ]);
    const runbook = fs.readFileSync(
      path.join(dir, `docs/runbooks/${alertName}.md`),
      'utf8',
    );
    expect(runbook).toContain(`# ${alertName}`);
    expect(runbook).toContain('gantry_entity="component:default/inventory"');
    expect(runbook).not.toContain('${{');

    // the routing sends what the SLO alerts carry to the pager, to chat and to Gantry
    const config = fs.readFileSync(
      path.join(dir, 'deploy/alerting/production/alertmanager.yml'),
      'utf8',
    );
    const labels = (severity: string) => ({
      alertname: alertName,
      sloth_service: 'inventory',
      sloth_slo: 'requests-availability',
      ...slos.labels,
      ...slos.slos[0].alerting[`${severity}_alert`].labels,
    });
    expect(await amtoolRoutesTest(config, labels('page'))).toEqual([
      'gantry-incidents',
      'inventory-pager',
    ]);
    expect(await amtoolRoutesTest(config, labels('ticket'))).toEqual([
      'gantry-incidents',
      'inventory-ticket',
    ]);
    const amc = parse(
      fs.readFileSync(
        path.join(dir, 'deploy/overlays/production/alertmanagerconfig.yaml'),
        'utf8',
      ),
    );
    expect(amc.spec.receivers[1].slackConfigs[0].channel).toBe(
      '#inventory-oncall',
    );
    expect(amc.spec.receivers[2].webhookConfigs[0].url).toBe(
      'https://portal.acme.dev/api/gantry/alerts/alertmanager',
    );
  });

  it('add-gitops-overlays renders overlays for an existing component into services/<name>', async () => {
    const r = await dryRun('add-gitops-overlays', {
      component: 'component:default/payment-gateway',
      namespace: 'payments',
      image: 'ghcr.io/acme/payment-gateway',
      strategy: 'blueGreen',
      secretStore: 'aws',
      pager: 'opsgenie',
      gitopsRepoUrl: 'github.com?owner=acme&repo=gitops',
      gateUrl: 'https://gantry.internal.acme.dev',
      gateTokenSecret: 'gantry-gate',
      gateTokenSecretKey: 'token',
      trafficRouting: 'gatewayAPI',
      productionPauseMinutes: 5,
    });
    expect(failures(r)).toEqual([]);
    const dir = writeOut(r.directoryContents);
    // blue-green users reach the active Service through the chosen Gateway API route
    const route = parse(
      fs.readFileSync(
        path.join(
          dir,
          'services/payment-gateway/overlays/production/route.yaml',
        ),
        'utf8',
      ),
    );
    expect(route.kind).toBe('HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: 'payment-gateway-active', port: 80 },
    ]);
    // the release gate's options from the form reach the AnalysisTemplate's first metric
    const template = parse(
      fs.readFileSync(
        path.join(dir, 'services/payment-gateway/base/analysistemplate.yaml'),
        'utf8',
      ),
    );
    expect(template.spec.metrics[0]).toMatchObject({
      name: 'gantry-release-gate',
      provider: {
        web: {
          url: 'https://gantry.internal.acme.dev/api/gantry/entities/default/component/payment-gateway/releases/{{args.release}}/gates/{{args.environment}}',
        },
      },
    });
    expect(
      template.spec.args.find((a: any) => a.name === 'gate-token').valueFrom,
    ).toEqual({ secretKeyRef: { name: 'gantry-gate', key: 'token' } });
    const amc = parse(
      fs.readFileSync(
        path.join(
          dir,
          'services/payment-gateway/overlays/production/alertmanagerconfig.yaml',
        ),
        'utf8',
      ),
    );
    expect(amc.spec.route.matchers).toEqual([
      {
        name: 'gantry_entity',
        value: 'component:default/payment-gateway',
        matchType: '=',
      },
    ]);
    expect(amc.spec.receivers[0].opsgenieConfigs).toHaveLength(1);
    const report = await validateTree(
      path.join(dir, 'services/payment-gateway'),
      { build: 'kustomize' },
    );
    expect(report).toMatchObject({
      valid: true,
      checked: 33,
      alertmanagerChecked: 4,
    });
  });

  it('service-onboarding adds a migration hook, TLS in staging and a staging chaos drill from the form', async () => {
    const r = await dryRun('service-onboarding', {
      name: 'orders',
      description: 'Orders',
      owner: 'group:default/platform',
      namespace: 'shop',
      image: 'ghcr.io/acme/orders',
      strategy: 'canary',
      secretStore: 'vault',
      availabilityObjective: 99.9,
      pager: 'pagerduty',
      ticket: 'slack',
      trafficRouting: 'nginx',
      migrationTool: 'liquibase',
      migrationImage: 'ghcr.io/acme/orders-migrations',
      migrationTimeoutSeconds: 900,
      requireTlsInStaging: true,
      tlsClusterIssuer: 'letsencrypt',
      chaosDrill: true,
      chaosExperiments: ['pod-kill', 'latency'],
      chaosDuration: '90s',
      repoUrl: 'github.com?owner=acme&repo=orders',
    });
    expect(failures(r)).toEqual([]);
    const dir = writeOut(r.directoryContents);
    const read = (rel: string) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, rel), 'utf8')).map(d =>
        d.toJS(),
      );
    const job = read('deploy/base/migration.yaml').find(o => o.kind === 'Job');
    expect(job.spec.activeDeadlineSeconds).toBe(900);
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      image: 'ghcr.io/acme/orders-migrations:0.1.0',
      command: ['liquibase', 'update'],
    });
    for (const env of ['staging', 'production'])
      expect(read(`deploy/overlays/${env}/route.yaml`)[0].spec.tls).toEqual([
        {
          hosts: [expect.stringContaining('orders')],
          secretName: 'orders-tls',
        },
      ]);
    expect(
      r.directoryContents.map(f => f.path).filter(p => p.includes('chaos')),
    ).toEqual(
      expect.arrayContaining([
        'deploy/chaos/README.md',
        'deploy/overlays/staging/chaos-drill.yaml',
        'deploy/overlays/staging/chaos/pod-kill.yaml',
        'deploy/overlays/staging/chaos/latency.yaml',
      ]),
    );
    expect(
      read('deploy/overlays/staging/chaos/latency.yaml')[0].spec.duration,
    ).toBe('90s');
    expect(
      await validateTree(path.join(dir, 'deploy'), {
        build: 'kustomize',
        requireTls: ['staging', 'production'],
      }),
    ).toMatchObject({ valid: true, unchecked: [] });

    // left at their defaults, none of the three appears
    const plain = await dryRun('add-gitops-overlays', {
      component: 'component:default/payment-gateway',
      namespace: 'payments',
      image: 'ghcr.io/acme/payment-gateway',
      gitopsRepoUrl: 'github.com?owner=acme&repo=gitops',
    });
    expect(failures(plain)).toEqual([]);
    expect(
      plain.directoryContents
        .map(f => f.path)
        .filter(p => /migration|chaos/.test(p)),
    ).toEqual([]);
  });

  it('platform-bootstrap renders an app of apps that builds and validates for both environments', async () => {
    const r = await dryRun('platform-bootstrap', {
      gitopsRepoUrl: 'https://github.com/acme/platform-gitops',
      path: 'platform',
      allowedRegistries: ['ghcr.io/acme/', 'registry.acme.dev:5000/'],
    });
    expect(failures(r)).toEqual([]);
    const dir = writeOut(r.directoryContents);
    const report = await validateTree(path.join(dir, 'platform'), {
      build: 'kustomize',
    });
    expect(report.violations).toEqual([]);
    expect(report.unchecked).toEqual([]);
    // the admission policies (2 policies, 2 bindings) are their own root, applied by an app
    const admission = parseAllDocuments(
      fs.readFileSync(
        path.join(dir, 'platform/admission/restricted-pods.yaml'),
        'utf8',
      ),
    ).map(d => d.toJS());
    expect(
      admission[0].spec.variables.find((v: any) => v.name === 'registries')
        .expression,
    ).toBe('["ghcr.io/acme/","registry.acme.dev:5000/"]');
    expect(
      parse(
        fs.readFileSync(
          path.join(dir, 'platform/base/admission-policies.yaml'),
          'utf8',
        ),
      ).spec.source.path,
    ).toBe('platform/admission');
    // 1 project + 6 component apps + the root in each of the two overlays, the 4 admission
    // objects, and what production adds for Gantry itself
    expect(report.checked).toBeGreaterThanOrEqual(8 * 2 + 4);
    const root = parse(
      fs.readFileSync(
        path.join(dir, 'platform/overlays/production/root.yaml'),
        'utf8',
      ),
    );
    expect(root.spec.source).toMatchObject({
      repoURL: 'https://github.com/acme/platform-gitops',
      path: 'platform/overlays/production',
    });
  });

  it('lists the Gantry actions with their schemas', async () => {
    const res = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());
    const ours = res.body.filter((a: any) => a.id.startsWith('gantry:'));
    expect(ours.map((a: any) => a.id).sort()).toEqual([
      'gantry:catalog:annotations',
      'gantry:gitops:overlays',
      'gantry:gitops:validate',
    ]);
    const overlays = ours.find((a: any) => a.id === 'gantry:gitops:overlays');
    expect(overlays.schema.input.required).toEqual([
      'name',
      'namespace',
      'image',
      'gitopsRepoUrl',
    ]);
    // the template UI shows the optional sections with their descriptions
    const props = overlays.schema.input.properties;
    expect(props.migration.properties.tool.description).toContain(
      'flyway, liquibase, atlas, prisma, knex, golang-migrate, custom',
    );
    expect(props.chaos.description).toContain('refused in production');
    expect(props.tls.properties.clusterIssuer.description).toContain(
      'cert-manager',
    );
  });
});
