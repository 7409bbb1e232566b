import { validateTree } from '@gantry/plugin-scaffolder-backend-module-gantry';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

jest.setTimeout(60_000);

const repoRoot = path.resolve(__dirname, '../../..');
const skeleton = path.join(repoRoot, 'templates/platform-bootstrap/skeleton');
const values = {
  gitopsRepoUrl: 'https://github.com/acme/platform-gitops',
  path: 'platform',
};

/** The bootstrap skeleton with its two values filled in, as fetch:template writes it. */
function render(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-bootstrap-'));
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(skeleton, rel), {
      withFileTypes: true,
    })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) {
        fs.mkdirSync(path.join(out, r), { recursive: true });
        walk(r);
      } else {
        const text = fs
          .readFileSync(path.join(skeleton, r), 'utf8')
          .replace(
            /\$\{\{\s*values\.(\w+)\s*\}\}/g,
            (_, k) => values[k as keyof typeof values],
          );
        fs.writeFileSync(path.join(out, r), text);
      }
    }
  };
  walk('');
  return out;
}

const build = (dir: string) =>
  parseAllDocuments(
    execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }),
  ).map(d => d.toJS());

describe("platform-bootstrap's deployment of Gantry itself", () => {
  let dir: string;
  beforeAll(() => {
    dir = render();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validates like every generated tree: schemas and production policy', async () => {
    const report = await validateTree(path.join(dir, 'gantry/deploy'), {
      build: 'kustomize',
    });
    expect(report.violations).toEqual([]);
    expect(report.unchecked).toEqual([]);
    // ServiceAccount, ConfigMap, Service, Deployment, PodDisruptionBudget, ExternalSecret
    expect(report.checked).toBe(6);
  });

  it('runs two replicas covered by a PodDisruptionBudget, probed on /api/gantry/health', () => {
    const objects = build(path.join(dir, 'gantry/deploy'));
    const deployment = objects.find(o => o.kind === 'Deployment');
    const pdb = objects.find(o => o.kind === 'PodDisruptionBudget');
    expect(deployment.metadata.namespace).toBe('gantry');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      pdb.spec.selector.matchLabels,
    );
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('ghcr.io/your-org/gantry:0.1.0');
    expect(container.startupProbe.httpGet.path).toBe('/api/gantry/health');
    // readiness and liveness must not depend on the database (see deployment.yaml)
    expect(container.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(container.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(container.ports[0].containerPort).toBe(7007);
  });

  it('provides every variable app-config.production.yaml reads, secrets only from the ExternalSecret', () => {
    const objects = build(path.join(dir, 'gantry/deploy'));
    const secret = objects.find(o => o.kind === 'ExternalSecret');
    const configMap = objects.find(o => o.kind === 'ConfigMap');
    const fromSecret = secret.spec.data.map((d: any) => d.secretKey);
    const provided = new Set([...fromSecret, ...Object.keys(configMap.data)]);
    const needed = [
      ...fs
        .readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8')
        .matchAll(/\$\{(\w+)\}/g),
    ].map(m => m[1]);
    expect(needed.length).toBeGreaterThan(5);
    expect(needed.filter(v => !provided.has(v))).toEqual([]);
    // nothing that looks secret sits in the ConfigMap
    expect(
      Object.keys(configMap.data).filter(k => /TOKEN|PASSWORD|SECRET/.test(k)),
    ).toEqual([]);
    expect(secret.spec.target.name).toBe('gantry');
  });

  it('is deployed by the production root through its own project, limited to the gantry namespace', () => {
    const objects = build(path.join(dir, 'overlays/production'));
    const app = objects.find(
      o => o.kind === 'Application' && o.metadata.name === 'gantry',
    );
    const project = objects.find(
      o => o.kind === 'AppProject' && o.metadata.name === 'gantry',
    );
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec.project).toBe('gantry');
    expect(app.spec.source).toMatchObject({
      repoURL: values.gitopsRepoUrl,
      path: 'platform/gantry/deploy',
    });
    expect(project.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'gantry' },
    ]);
    // staging runs no Gantry of its own
    const staging = build(path.join(dir, 'overlays/staging'));
    expect(staging.filter(o => o.metadata.name === 'gantry')).toEqual([]);
  });

  it('would refuse a single replica (the production policy is live on this tree)', async () => {
    const deploymentFile = path.join(dir, 'gantry/deploy/deployment.yaml');
    const original = fs.readFileSync(deploymentFile, 'utf8');
    fs.writeFileSync(
      deploymentFile,
      original.replace('replicas: 2', 'replicas: 1'),
    );
    try {
      const report = await validateTree(path.join(dir, 'gantry/deploy'), {
        build: 'kustomize',
      });
      expect(report.violations).toEqual([
        expect.objectContaining({
          object: 'Deployment/gantry',
          field: 'spec.replicas',
        }),
      ]);
    } finally {
      fs.writeFileSync(deploymentFile, original);
    }
  });
});
