import fs from 'node:fs';
import path from 'node:path';
import { generateOverlays } from './generate';
import { MIGRATION_TOOL_DEFAULTS } from './migration';
import { validateTree } from './validate';
import { writeTree, build, find, base } from './__testUtils__/overlayTree';

describe('migration step of gantry:gitops:overlays', () => {
  jest.setTimeout(60_000);

  it('runs the release tag of the migration image as a PreSync hook Job with its own ServiceAccount, lock and timeout', async () => {
    const dir = writeTree(
      generateOverlays({
        ...base,
        migration: {
          tool: 'flyway',
          image: 'ghcr.io/acme/checkout-migrations',
          timeoutSeconds: 300,
        },
      }),
    );
    const report = await validateTree(dir, { build: 'kustomize' });
    expect(report.violations).toEqual([]);
    expect(report.unchecked).toEqual([]);

    const prod = build(dir, 'overlays/production');
    const job = find(prod, 'Job', 'checkout-migrate');
    expect(job.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '-1',
    });
    expect(job.spec).toMatchObject({
      parallelism: 1,
      completions: 1,
      backoffLimit: 1,
      activeDeadlineSeconds: 300,
    });
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('checkout-migrate');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    // a separate repository runs the tag the overlay's images: entry gives the service
    expect(c.image).toBe('ghcr.io/acme/checkout-migrations:1.4.2');
    expect(c.command).toEqual(['flyway', 'migrate']);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'checkout-db' } }]);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    // never the service's pod labels: Services, PDB and policies select those
    expect(job.spec.template.metadata.labels['app.kubernetes.io/name']).toBe(
      'checkout-migrate',
    );
    const sa = find(prod, 'ServiceAccount', 'checkout-migrate');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
    // the database Secret exists before the Job: a PreSync ExternalSecret one wave earlier
    const es = find(prod, 'ExternalSecret', 'checkout-db');
    expect(es.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/sync-wave': '-2',
    });
    expect(es.spec.dataFrom).toEqual([
      { extract: { key: 'production/checkout-db' } },
    ]);

    // promotion rewrites the one images: tag; the migration image follows it
    const k = path.join(dir, 'overlays/staging/kustomization.yaml');
    fs.writeFileSync(
      k,
      fs.readFileSync(k, 'utf8').replace('newTag: 1.4.2', 'newTag: 1.5.0'),
    );
    expect(
      find(build(dir, 'overlays/staging'), 'Job').spec.template.spec
        .containers[0].image,
    ).toBe('ghcr.io/acme/checkout-migrations:1.5.0');

    const readme = fs.readFileSync(
      path.join(dir, 'migration/README.md'),
      'utf8',
    );
    expect(readme).toContain('expand/contract');
    expect(readme).toContain('docs/gate-rules-migrations-load-dr.md');
    expect(readme).toContain('DATABASECHANGELOGLOCK');
  });

  it.each([
    ['liquibase', ['liquibase', 'update']],
    [
      'atlas',
      [
        'atlas',
        'migrate',
        'apply',
        '--url',
        '$(DATABASE_URL)',
        '--dir',
        'file://migrations',
      ],
    ],
    ['prisma', ['npx', '--no-install', 'prisma', 'migrate', 'deploy']],
    ['knex', ['npx', '--no-install', 'knex', 'migrate:latest']],
    [
      'golang-migrate',
      ['migrate', '-path', '/migrations', '-database', '$(DATABASE_URL)', 'up'],
    ],
  ])(
    '%s runs its own deploy command from the service image',
    async (tool, command) => {
      const files = generateOverlays({
        ...base,
        migration: { tool, externalSecret: false, secretName: 'orders-db' },
      });
      expect(files['overlays/staging/migration-secret.yaml']).toBeUndefined();
      const dir = writeTree(files);
      const job = find(build(dir, 'overlays/staging'), 'Job');
      const c = job.spec.template.spec.containers[0];
      expect(c.command).toEqual(command);
      expect(c.image).toBe('ghcr.io/acme/checkout:1.4.2');
      expect(c.envFrom).toEqual([{ secretRef: { name: 'orders-db' } }]);
      expect(MIGRATION_TOOL_DEFAULTS[tool as 'atlas'].command).toEqual(command);
      expect((await validateTree(dir, { build: 'none' })).violations).toEqual(
        [],
      );
    },
  );

  it('runs a custom command for a blue-green service and says why migrations must be expand/contract', async () => {
    const files = generateOverlays({
      ...base,
      strategy: 'blueGreen',
      migration: {
        tool: 'custom',
        command: ['/app/bin/migrate', '--database', '$(DATABASE_URL)'],
        backoffLimit: 0,
        kubernetesApi: true,
      },
    });
    const dir = writeTree(files);
    expect(
      (await validateTree(dir, { build: 'kustomize' })).violations,
    ).toEqual([]);
    const prod = build(dir, 'overlays/production');
    const job = find(prod, 'Job');
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(job.spec.template.spec.containers[0].command).toEqual([
      '/app/bin/migrate',
      '--database',
      '$(DATABASE_URL)',
    ]);
    expect(files['migration/README.md']).toContain(
      'blue-green: the old (active) version keeps serving until promotion',
    );
    expect(files['migration/README.md']).toContain(
      'A `custom` command must take such a lock itself',
    );
  });

  it('refuses an unknown tool, custom without command, credentials in the command and a bad image', () => {
    expect(() =>
      generateOverlays({ ...base, migration: { tool: 'rails' } }),
    ).toThrow(
      /migration\.tool must be one of flyway, liquibase, atlas, prisma, knex, golang-migrate, custom/,
    );
    expect(() =>
      generateOverlays({ ...base, migration: { tool: 'custom' } }),
    ).toThrow(/migration\.command tool custom needs a command/);
    expect(() =>
      generateOverlays({
        ...base,
        migration: {
          tool: 'golang-migrate',
          command: [
            'migrate',
            '-database',
            'postgres://app:hunter2@db:5432/shop',
            'up',
          ],
        },
      }),
    ).toThrow(/migration\.command\.2 holds a URL with user and password/);
    expect(() =>
      generateOverlays({
        ...base,
        migration: { tool: 'flyway', image: 'ghcr.io/acme/migrations:1.0' },
      }),
    ).toThrow(/migration\.image must be an image repository without tag/);
    expect(() =>
      generateOverlays({
        ...base,
        migration: { tool: 'flyway', password: 'hunter2' },
      }),
    ).toThrow(/migration Unrecognized key\(s\) in object: 'password'/);
  });
});
