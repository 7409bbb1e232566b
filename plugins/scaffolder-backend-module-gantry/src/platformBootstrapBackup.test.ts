import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { isCelError, run as celRun } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { scaffolderModuleGantry } from './module';
import { validateSchema } from './gitops/schemas';
import { validateTree } from './gitops/validate';
import {
  directoryContents,
  writeOut as writeDryRun,
  type DryRunFile,
} from './__testUtils__/dryRunFiles';

// platform-bootstrap's Argo CD backup (issue 20): the template rendered by the real
// scaffolder's dry run, both overlays built with kubectl's kustomize, every object checked
// against its schema, and the backup pod held to the platform's own admission policy.

jest.setTimeout(120_000);
const templateDir = path.resolve(
  __dirname,
  '../../../templates/platform-bootstrap',
);
const template = parse(
  fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
);

const tmpDirs: string[] = [];
const tmpDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function writeOut(contents: DryRunFile[]) {
  const dir = writeDryRun(contents, 'gantry-bootstrap-');
  tmpDirs.push(dir);
  return dir;
}

const kustomize = (dir: string) =>
  parseAllDocuments(
    execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      maxBuffer: 32 << 20,
    }),
  ).map(d => d.toJS());

const WRITE_VERBS = [
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'escalate',
  'bind',
  'impersonate',
  '*',
];
/** Rules of a Role that allow anything but reading. */
const writeRules = (role: any) =>
  role.rules.filter((r: any) =>
    r.verbs.some((v: string) => WRITE_VERBS.includes(v)),
  );

/** Env entries that carry a literal value whose name suggests a credential. */
const inlineSecrets = (containers: any[]) =>
  containers.flatMap(c =>
    (c.env ?? [])
      .filter(
        (e: any) =>
          e.value !== undefined &&
          /(SECRET|PASSWORD|TOKEN|ACCESS_KEY|CREDENTIAL)/i.test(e.name),
      )
      .map((e: any) => `${c.name}: ${e.name}`),
  );

const CRON_FIELDS: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
/** A standard five-field cron expression (what the CronJob controller parses), or why not. */
function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields, not 5`;
  for (const [i, field] of fields.entries()) {
    for (const part of field.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return `field ${i + 1} '${part}' is not a number, range or step`;
      const [min, max] = CRON_FIELDS[i];
      for (const n of [m[2], m[3]].filter(Boolean).map(Number)) {
        if (n < min || n > max)
          return `field ${i + 1} value ${n} is outside ${min}-${max}`;
      }
      if (m[4] !== undefined && Number(m[4]) < 1)
        return `field ${i + 1} step must be at least 1`;
    }
  }
  return undefined;
}

/** The platform's ValidatingAdmissionPolicy (as rendered) applied to a pod: denial messages. */
function admit(policy: any, pod: any): string[] {
  const cel = (expression: string, bindings: Record<string, any>) => {
    const value = celRun(expression, bindings, { funcs: strings });
    if (isCelError(value)) throw new Error(`${expression}: ${value.message}`);
    return value;
  };
  const variables: Record<string, unknown> = {};
  for (const v of policy.spec.variables ?? [])
    variables[v.name] = cel(v.expression, { object: pod, variables });
  return policy.spec.validations
    .filter((v: any) => cel(v.expression, { object: pod, variables }) !== true)
    .map((v: any) => v.message ?? v.messageExpression);
}

const BASE_VALUES = {
  gitopsRepoUrl: 'https://github.com/acme/platform-gitops',
  path: 'platform',
  allowedRegistries: [
    'ghcr.io/acme/',
    'quay.io/argoproj/',
    'docker.io/rclone/',
  ],
};

describe('platform-bootstrap Argo CD backup and restore runbook', () => {
  let server: any;
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleGantry,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.acme.dev' },
            backend: { baseUrl: 'https://portal.acme.dev' },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    }));
  });

  const dryRun = (values: object) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template,
        values,
        secrets: {},
        directoryContents: directoryContents(templateDir),
      });

  async function render(values: object) {
    const res = await dryRun(values);
    if (res.status !== 200)
      throw new Error(
        `dry run failed: ${res.status} ${JSON.stringify(res.body)}`,
      );
    const failed = res.body.log
      .filter((l: any) => l.body.status === 'failed')
      .map((l: any) => l.body.message);
    expect(failed).toEqual([]);
    return {
      dir: writeOut(res.body.directoryContents),
      output: res.body.output,
    };
  }

  describe('with a bucket', () => {
    let dir: string;
    let output: any;
    const built: Record<string, any[]> = {};
    const buildMs: Record<string, number> = {};
    beforeAll(async () => {
      ({ dir, output } = await render({
        ...BASE_VALUES,
        owner: 'group:default/sre',
        argocdBackup: true,
        backupBucket: 'acme-platform-backups',
        backupRegion: 'eu-central-1',
        backupEndpoint: 'https://minio.acme.dev:9000',
        backupSchedule: '30 1 * * *',
        backupRetentionDays: 14,
      }));
      for (const env of ['staging', 'production']) {
        const t = performance.now();
        built[env] = kustomize(path.join(dir, 'platform/overlays', env));
        buildMs[env] = Math.round(performance.now() - t);
      }
      // measured figures for the report
      console.log(
        `platform-bootstrap with backup: staging ${built.staging.length} objects in ${buildMs.staging} ms, production ${built.production.length} objects in ${buildMs.production} ms (kubectl kustomize)`,
      );
    });
    const find = (env: string, kind: string, name = 'argocd-backup') => {
      const obj = built[env].find(
        o => o.kind === kind && o.metadata.name === name,
      );
      if (!obj) throw new Error(`${env} has no ${kind}/${name}`);
      return obj;
    };

    it('builds both overlays and every object passes its schema, the template validation included', async () => {
      const report = await validateTree(path.join(dir, 'platform'), {
        build: 'kustomize',
      });
      expect(report.violations).toEqual([]);
      expect(report.unchecked).toEqual([]);
      expect(JSON.stringify(output)).toContain(
        `${report.checked} objects validated`,
      );
      for (const env of ['staging', 'production']) {
        const kinds = [
          ['batch/v1', 'CronJob'],
          ['v1', 'ServiceAccount'],
          ['v1', 'ConfigMap'],
          ['rbac.authorization.k8s.io/v1', 'Role'],
          ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
          ['external-secrets.io/v1beta1', 'ExternalSecret'],
        ];
        for (const [apiVersion, kind] of kinds) {
          const obj = find(env, kind);
          expect(obj.apiVersion).toBe(apiVersion);
          expect(obj.metadata.namespace).toBe('argocd');
          expect(obj.metadata.labels['gantry.dev/environment']).toBe(env);
          expect(validateSchema(obj)).toEqual([]);
        }
        // nothing in the tree is a Secret: credentials come only from the ExternalSecret
        expect(built[env].filter(o => o.kind === 'Secret')).toEqual([]);
      }
    });

    it('the schema check refuses a broken CronJob, Role and ExternalSecret', () => {
      const cron = structuredClone(find('production', 'CronJob'));
      cron.spec.concurrencyPolicy = 'Never';
      delete cron.spec.jobTemplate.spec.template.spec.containers;
      expect(validateSchema(cron)).toEqual([
        {
          field: 'spec.concurrencyPolicy',
          message: 'must be equal to one of the allowed values',
        },
        {
          field: 'spec.jobTemplate.spec.template.spec',
          message: 'must have required property containers',
        },
      ]);
      const role = structuredClone(find('production', 'Role'));
      delete role.rules[1].verbs;
      expect(validateSchema(role)).toEqual([
        { field: 'rules[1]', message: 'must have required property verbs' },
      ]);
      const es = structuredClone(find('production', 'ExternalSecret'));
      delete es.spec.data[0].remoteRef;
      expect(validateSchema(es)).toEqual([
        {
          field: 'spec.data[0]',
          message: 'must have required property remoteRef',
        },
      ]);
    });

    it('runs argocd admin export, then uploads to this environment’s prefix and applies the retention', () => {
      for (const env of ['staging', 'production']) {
        const cron = find(env, 'CronJob');
        expect(cron.spec).toMatchObject({
          schedule: '30 1 * * *',
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
        });
        expect(cronProblem(cron.spec.schedule)).toBeUndefined();
        const pod = cron.spec.jobTemplate.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never');
        expect(pod.serviceAccountName).toBe('argocd-backup');
        const [exporter] = pod.initContainers;
        expect(exporter.image).toBe('quay.io/argoproj/argocd:v3.0.6');
        expect(exporter.command).toEqual([
          'argocd',
          'admin',
          'export',
          '--namespace',
          'argocd',
          '--out',
          '/backup/argocd-export.yaml',
        ]);
        const [upload] = pod.containers;
        expect(upload.image).toBe('docker.io/rclone/rclone:1.68.2');
        const script = upload.args[0];
        expect(script).toContain(
          'rclone copyto /backup/argocd-export.yaml "$target/argocd-export-$(date -u +%Y%m%dT%H%M%SZ).yaml"',
        );
        expect(script).toContain(
          `--min-age "\${ARGOCD_BACKUP_RETENTION_DAYS}d" "$target"`,
        );
        // the retention runs only after a successful upload (sh -e stops at the first failure)
        expect(upload.command).toEqual(['/bin/sh', '-ec']);
        expect(script.indexOf('rclone copyto')).toBeLessThan(
          script.indexOf('rclone delete'),
        );

        const config = find(env, 'ConfigMap').data;
        expect(config).toMatchObject({
          ARGOCD_BACKUP_BUCKET: 'acme-platform-backups',
          ARGOCD_BACKUP_PREFIX: `argocd/${env}`,
          ARGOCD_BACKUP_RETENTION_DAYS: '14',
          RCLONE_CONFIG_STORE_TYPE: 's3',
          RCLONE_CONFIG_STORE_PROVIDER: 'Other',
          RCLONE_CONFIG_STORE_REGION: 'eu-central-1',
          RCLONE_CONFIG_STORE_ENDPOINT: 'https://minio.acme.dev:9000',
        });
        expect(upload.envFrom).toEqual([
          { configMapRef: { name: 'argocd-backup' } },
          { secretRef: { name: 'argocd-backup' } },
        ]);
      }
    });

    it('takes the storage credentials only from the ExternalSecret, per environment', () => {
      for (const env of ['staging', 'production']) {
        const es = find(env, 'ExternalSecret');
        expect(es.spec.secretStoreRef).toEqual({
          kind: 'ClusterSecretStore',
          name: 'platform-secrets',
        });
        expect(es.spec.target.name).toBe('argocd-backup');
        expect(
          es.spec.data.map((d: any) => [d.secretKey, d.remoteRef]),
        ).toEqual([
          [
            'RCLONE_CONFIG_STORE_ACCESS_KEY_ID',
            { key: `${env}/argocd-backup`, property: 'access-key-id' },
          ],
          [
            'RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY',
            { key: `${env}/argocd-backup`, property: 'secret-access-key' },
          ],
        ]);
        const pod = find(env, 'CronJob').spec.jobTemplate.spec.template.spec;
        const containers = [...pod.initContainers, ...pod.containers];
        expect(inlineSecrets(containers)).toEqual([]);
        // no credential in the ConfigMap either
        expect(
          Object.keys(find(env, 'ConfigMap').data).filter(k =>
            /SECRET|ACCESS_KEY|PASSWORD|TOKEN/.test(k),
          ),
        ).toEqual([]);
      }
      // the check itself: a literal credential in env is reported
      expect(
        inlineSecrets([
          {
            name: 'upload',
            env: [
              { name: 'RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY', value: 'x' },
            ],
          },
        ]),
      ).toEqual(['upload: RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY']);
    });

    it('grants the export read access only, and only to the container that needs it', () => {
      const role = find('production', 'Role');
      expect(writeRules(role)).toEqual([]);
      expect(
        role.rules.flatMap((r: any) =>
          r.resources.map(
            (res: string) =>
              `${r.apiGroups[0] || 'core'}/${res}:${r.verbs.join('+')}`,
          ),
        ),
      ).toEqual([
        'core/configmaps:get',
        'core/secrets:list',
        'argoproj.io/appprojects:list',
        'argoproj.io/applications:list',
        'argoproj.io/applicationsets:list',
      ]);
      expect(role.rules[0].resourceNames).toEqual([
        'argocd-cm',
        'argocd-rbac-cm',
        'argocd-ssh-known-hosts-cm',
        'argocd-tls-certs-cm',
        'argocd-cmd-params-cm',
      ]);
      expect(find('production', 'RoleBinding')).toMatchObject({
        roleRef: { kind: 'Role', name: 'argocd-backup' },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'argocd-backup',
            namespace: 'argocd',
          },
        ],
      });
      // the check itself: a Role that may write is reported
      expect(
        writeRules({
          rules: [
            { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
            {
              apiGroups: [''],
              resources: ['secrets'],
              verbs: ['get', 'patch'],
            },
          ],
        }),
      ).toHaveLength(1);

      // the token is mounted into the export container only, not into the uploader
      const pod = find('production', 'CronJob').spec.jobTemplate.spec.template
        .spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(
        find('production', 'ServiceAccount').automountServiceAccountToken,
      ).toBe(false);
      const tokenMounts = (c: any) =>
        (c.volumeMounts ?? []).filter(
          (m: any) =>
            m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount',
        );
      expect(tokenMounts(pod.initContainers[0])).toHaveLength(1);
      expect(tokenMounts(pod.containers[0])).toEqual([]);
    });

    it('the backup pod passes the platform’s restricted-pods admission policy, which denies a weakened copy', () => {
      const [policy] = parseAllDocuments(
        fs.readFileSync(
          path.join(dir, 'platform/admission/restricted-pods.yaml'),
          'utf8',
        ),
      ).map(d => d.toJS());
      const spec = find('production', 'CronJob').spec.jobTemplate.spec.template
        .spec;
      expect(admit(policy, { spec })).toEqual([]);
      const weakened = structuredClone(spec);
      delete weakened.securityContext.runAsNonRoot;
      weakened.containers[0].securityContext.allowPrivilegeEscalation = true;
      expect(admit(policy, { spec: weakened })).toEqual([
        'every container needs securityContext.allowPrivilegeEscalation false',
        'every container must run as non-root; set securityContext.runAsNonRoot true (pod or container)',
      ]);
    });

    it('alerts when the latest backup run has not succeeded (promtool test rules)', () => {
      const rule = parse(
        fs.readFileSync(
          path.join(dir, 'platform/rules/argocd-backup/prometheusrule.yaml'),
          'utf8',
        ),
      );
      expect(validateSchema(rule)).toEqual([]);
      const work = tmpDir('gantry-backup-rules-');
      fs.writeFileSync(
        path.join(work, 'rules.yml'),
        stringify({ groups: rule.spec.groups }),
      );
      const sel = '{namespace="argocd",cronjob="argocd-backup"}';
      const scheduled = (values: string) => ({
        series: `kube_cronjob_status_last_schedule_time${sel}`,
        values,
      });
      const succeeded = (values: string) => ({
        series: `kube_cronjob_status_last_successful_time${sel}`,
        values,
      });
      const firing = {
        exp_labels: {
          alertname: 'ArgoCDBackupFailing',
          severity: 'ticket',
          namespace: 'argocd',
          cronjob: 'argocd-backup',
        },
        exp_annotations: {
          summary: 'The latest Argo CD backup did not succeed',
          description:
            rule.spec.groups[0].rules[0].annotations.description.replace(
              '{{ $value | humanizeTimestamp }}',
              '1970-01-01 02:00:00 +0000 UTC',
            ),
        },
      };
      const at = (evalTime: string, alerts: object[]) => ({
        eval_time: evalTime,
        alertname: 'ArgoCDBackupFailing',
        exp_alerts: alerts,
      });
      const tests = [
        // the run started at 02:00 succeeded
        {
          interval: '1m',
          input_series: [scheduled('7200x130'), succeeded('7200x130')],
          alert_rule_test: [at('70m', [])],
        },
        // a run in progress for 30 minutes, then successful: pending at most, never firing
        {
          interval: '1m',
          input_series: [scheduled('7200x130'), succeeded('3600x29 7200x100')],
          alert_rule_test: [at('20m', []), at('70m', [])],
        },
        // the run failed: the last success is the day before's
        {
          interval: '1m',
          input_series: [scheduled('7200x130'), succeeded('3600x130')],
          alert_rule_test: [at('50m', []), at('70m', [firing])],
        },
        // never succeeded at all
        {
          interval: '1m',
          input_series: [scheduled('7200x130')],
          alert_rule_test: [at('70m', [firing])],
        },
      ];
      fs.writeFileSync(
        path.join(work, 'test.yml'),
        stringify({
          rule_files: ['rules.yml'],
          evaluation_interval: '1m',
          tests,
        }),
      );
      const out = execFileSync('promtool', ['test', 'rules', 'test.yml'], {
        cwd: work,
        encoding: 'utf8',
      });
      expect(out).toContain('SUCCESS');
    });

    it('writes TechDocs with a restore runbook the catalog entity points at', () => {
      const root = path.join(dir, 'platform');
      const catalogInfo = parse(
        fs.readFileSync(path.join(root, 'catalog-info.yaml'), 'utf8'),
      );
      expect(catalogInfo).toMatchObject({
        kind: 'Component',
        metadata: {
          name: 'platform-gitops',
          annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
        },
        spec: { owner: 'group:default/sre' },
      });
      const mkdocs = parse(
        fs.readFileSync(path.join(root, 'mkdocs.yml'), 'utf8'),
      );
      const pages = (nav: any[]): string[] =>
        nav.flatMap(item =>
          Object.values(item).flatMap((v: any) =>
            Array.isArray(v) ? pages(v) : [v],
          ),
        );
      expect(pages(mkdocs.nav)).toEqual([
        'index.md',
        'restore-argocd.md',
        'restore-gantry-database.md',
      ]);
      for (const page of pages(mkdocs.nav)) {
        const text = fs.readFileSync(path.join(root, 'docs', page), 'utf8');
        expect(text).not.toMatch(/\$\{\{|\{%/);
      }
      const runbook = fs.readFileSync(
        path.join(root, 'docs/restore-argocd.md'),
        'utf8',
      );
      expect(runbook).toContain(
        'argocd admin import --namespace argocd - < backup.yaml',
      );
      expect(runbook).toContain(
        'S3="aws s3 --region eu-central-1 --endpoint-url https://minio.acme.dev:9000"',
      );
      expect(runbook).toContain(
        '$S3 cp "s3://acme-platform-backups/argocd/$ENV/$LATEST" backup.yaml',
      );
      expect(runbook).toMatch(/scale statefulset .*--replicas=0/);
      // the runbook's image tag is the one the CronJob exports with
      const image = find('production', 'CronJob').spec.jobTemplate.spec.template
        .spec.initContainers[0].image;
      expect(runbook).toContain(`VERSION=${image.split(':').pop()}`);
      expect(
        fs.readFileSync(
          path.join(root, 'docs/restore-gantry-database.md'),
          'utf8',
        ),
      ).toContain('pg_restore --no-owner --no-privileges --exit-on-error');
    });
  });

  it('the mkdocs nav of the skeleton names only pages the skeleton has', () => {
    const skeleton = path.join(templateDir, 'skeleton');
    const nav = fs
      .readFileSync(path.join(skeleton, 'mkdocs.yml'), 'utf8')
      .match(/: [\w-]+\.md$/gm)!
      .map(m => m.slice(2));
    expect(nav).toHaveLength(3);
    for (const page of nav)
      expect(fs.existsSync(path.join(skeleton, 'docs', page))).toBe(true);
  });

  it('leaves the backup out when it is switched off, and both overlays still build', async () => {
    const { dir } = await render({ ...BASE_VALUES, argocdBackup: false });
    expect(fs.existsSync(path.join(dir, 'platform/argocd-backup'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'platform/rules'))).toEqual([
      'README.md',
    ]);
    for (const env of ['staging', 'production']) {
      const objs = kustomize(path.join(dir, 'platform/overlays', env));
      expect(objs.filter(o => o.metadata.name === 'argocd-backup')).toEqual([]);
      expect(objs.some(o => o.metadata.name === 'platform-root')).toBe(true);
    }
    const report = await validateTree(path.join(dir, 'platform'), {
      build: 'kustomize',
    });
    expect(report).toMatchObject({ valid: true, violations: [] });
    expect(
      fs.readFileSync(path.join(dir, 'platform/docs/index.md'), 'utf8'),
    ).toContain('not generated: the template ran without a bucket');
  });

  it('uses Amazon S3 with the default schedule and retention when only a bucket is given', async () => {
    const { dir } = await render({
      ...BASE_VALUES,
      backupBucket: 'acme.platform.backups',
    });
    const objs = kustomize(path.join(dir, 'platform/overlays/production'));
    const config = objs.find(
      o => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-backup',
    ).data;
    expect(config).toMatchObject({
      ARGOCD_BACKUP_BUCKET: 'acme.platform.backups',
      ARGOCD_BACKUP_RETENTION_DAYS: '30',
      RCLONE_CONFIG_STORE_PROVIDER: 'AWS',
      RCLONE_CONFIG_STORE_REGION: 'us-east-1',
    });
    expect(config).not.toHaveProperty('RCLONE_CONFIG_STORE_ENDPOINT');
    const cron = objs.find(o => o.kind === 'CronJob');
    expect(cron.spec.schedule).toBe('0 2 * * *');
    expect(cronProblem(cron.spec.schedule)).toBeUndefined();
  });

  describe('refuses bad parameters before rendering anything', () => {
    const refusal = async (values: object) => {
      const res = await dryRun({ ...BASE_VALUES, ...values });
      expect(res.status).toBe(400);
      return res.body.errors.map((e: any) => `${e.property} ${e.message}`);
    };

    it.each([
      ['uppercase and underscore', 'Acme_Backups'],
      ['too short', 'ab'],
      ['an IP address', '192.168.10.4'],
      ['two dots in a row', 'acme..backups'],
      ['ending in a hyphen', 'acme-backups-'],
      ['a URL instead of a name', 's3://acme-backups'],
    ])('a bucket name that is %s', async (_why, bucket) => {
      const errors = await refusal({
        argocdBackup: true,
        backupBucket: bucket,
      });
      expect(errors).toEqual([
        expect.stringMatching(/^instance\.backupBucket does not match pattern/),
      ]);
    });

    it('accepts valid S3 bucket names', () => {
      const pattern = new RegExp(
        template.spec.parameters[1].properties.backupBucket.pattern,
        'u',
      );
      for (const ok of ['acme-platform-backups', 'a1b', 'backups.acme.dev'])
        expect(pattern.test(ok)).toBe(true);
    });

    it('a backup without a bucket', async () => {
      expect(await refusal({ argocdBackup: true })).toContain(
        'instance requires property "backupBucket"',
      );
    });

    it.each([
      ['four fields', '0 2 * *'],
      ['six fields (seconds)', '0 0 2 * * *'],
      ['words', 'every day at 2'],
    ])('a schedule with %s', async (_why, schedule) => {
      const errors = await refusal({
        backupBucket: 'acme-platform-backups',
        backupSchedule: schedule,
      });
      expect(errors).toEqual([
        expect.stringMatching(
          /^instance\.backupSchedule does not match pattern/,
        ),
      ]);
      expect(cronProblem(schedule)).toBeDefined();
    });

    it('a plain-HTTP endpoint and a retention of zero days', async () => {
      const errors = await refusal({
        backupBucket: 'acme-platform-backups',
        backupEndpoint: 'http://minio.acme.dev',
        backupRetentionDays: 0,
      });
      expect(errors).toEqual([
        expect.stringMatching(
          /^instance\.backupEndpoint does not match pattern/,
        ),
        'instance.backupRetentionDays must be greater than or equal to 1',
      ]);
    });
  });
});
