import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { createGitopsOverlaysAction } from './gitopsOverlays';
import { createGitopsValidateAction } from './gitopsValidate';

jest.setTimeout(60_000);

describe('gantry:gitops actions', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it('writes the tree into the workspace and validates it', async () => {
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: {
        name: 'checkout',
        namespace: 'shop',
        image: 'ghcr.io/acme/checkout',
        gitopsRepoUrl: 'https://github.com/acme/gitops',
        gitopsPath: 'services/checkout',
        secretStoreProvider: 'aws',
        targetPath: 'gitops/services/checkout',
      },
    });
    await createGitopsOverlaysAction().handler(ctx as any);
    const files: string[] = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'files',
    )[1];
    expect(files).toContain('overlays/production/rollout-patch.yaml');
    expect(files).toHaveLength(31);
    expect(files).toContain('overlays/production/route.yaml');
    expect(files).toContain('gate/README.md');
    expect(files).toContain('alerting/production/alertmanager.yml');
    const es = fs.readFileSync(
      path.join(
        workspace.path,
        'gitops/services/checkout/overlays/staging/externalsecret.yaml',
      ),
      'utf8',
    );
    expect(es).toContain('name: aws-backend');

    const validate = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: 'gitops/services/checkout' },
    });
    await createGitopsValidateAction().handler(validate as any);
    expect(validate.output).toHaveBeenCalledWith('valid', true);
    expect(validate.output).toHaveBeenCalledWith('checked', 35);
    expect(validate.output).toHaveBeenCalledWith('alertmanagerChecked', 4);
  });

  it('fails with every violation named when the tree is broken', async () => {
    workspace.setContent({
      'overlays/production/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx
`,
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { build: 'none' },
    });
    await expect(
      createGitopsValidateAction().handler(ctx as any),
    ).rejects.toThrow(
      /overlays\/production\/deploy\.yaml: Deployment\/web spec\.template\.spec\.containers\[0\]\.image container 'web' uses no tag \(nginx\)\. Pin a version tag/,
    );
    expect(ctx.output).toHaveBeenCalledWith('valid', false);
  });

  it('refuses invalid input with the field named', async () => {
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: {
        name: 'checkout',
        namespace: 'Shop',
        image: 'ghcr.io/acme/checkout',
        gitopsRepoUrl: 'not a url',
      },
    });
    await expect(
      createGitopsOverlaysAction().handler(ctx as any),
    ).rejects.toThrow(
      /Invalid overlay input: namespace must be a DNS-1123 label.*; gitopsRepoUrl must be the GitOps repository URL/,
    );
  });
});
