import { WAVE } from './labels';
import type {
  Environment,
  MigrationOptions,
  MigrationTool,
  OverlayOptions,
} from './options';

export const MIGRATION_JOB = (o: OverlayOptions) => `${o.name}-migrate`;
export const MIGRATION_CONTAINER = 'migrate';
export const migrationSecretName = (o: OverlayOptions) =>
  o.migration?.secretName ?? `${o.name}-db`;

interface ToolDefaults {
  command: string[];
  /** Keys the database Secret must hold, read by the tool from the environment. */
  secretKeys: string[];
  /** How the tool keeps two runs from migrating at once. */
  lock: string;
}

/**
 * Each tool's own deploy command. Kubernetes expands `$(VAR)` in a command from the
 * container's environment, here the database Secret.
 */
export const MIGRATION_TOOL_DEFAULTS: Record<
  Exclude<MigrationTool, 'custom'>,
  ToolDefaults
> = {
  flyway: {
    command: ['flyway', 'migrate'],
    secretKeys: ['FLYWAY_URL', 'FLYWAY_USER', 'FLYWAY_PASSWORD'],
    lock: 'locks its schema history table (an advisory lock on PostgreSQL) while it migrates',
  },
  liquibase: {
    command: ['liquibase', 'update'],
    secretKeys: [
      'LIQUIBASE_COMMAND_URL',
      'LIQUIBASE_COMMAND_USERNAME',
      'LIQUIBASE_COMMAND_PASSWORD',
      'LIQUIBASE_COMMAND_CHANGELOG_FILE',
    ],
    lock: 'holds the row of its DATABASECHANGELOGLOCK table while it updates',
  },
  atlas: {
    command: [
      'atlas',
      'migrate',
      'apply',
      '--url',
      '$(DATABASE_URL)',
      '--dir',
      'file://migrations',
    ],
    secretKeys: ['DATABASE_URL'],
    lock: 'takes a database lock (advisory lock on PostgreSQL, GET_LOCK on MySQL) for `migrate apply`',
  },
  prisma: {
    command: ['npx', '--no-install', 'prisma', 'migrate', 'deploy'],
    secretKeys: ['DATABASE_URL'],
    lock: 'takes an advisory lock for `migrate deploy` (PostgreSQL, MySQL, SQL Server)',
  },
  knex: {
    command: ['npx', '--no-install', 'knex', 'migrate:latest'],
    secretKeys: ['DATABASE_URL (read by your knexfile)'],
    lock: 'sets the flag in its knex_migrations_lock table while it migrates',
  },
  'golang-migrate': {
    command: [
      'migrate',
      '-path',
      '/migrations',
      '-database',
      '$(DATABASE_URL)',
      'up',
    ],
    secretKeys: ['DATABASE_URL'],
    lock: 'takes a database lock (advisory lock on PostgreSQL, GET_LOCK on MySQL) for `up`',
  },
};

export function migrationCommand(m: MigrationOptions): string[] {
  if (m.command) return m.command;
  return MIGRATION_TOOL_DEFAULTS[m.tool as Exclude<MigrationTool, 'custom'>]
    .command;
}

/** Argo CD runs hooks before the Sync phase; within PreSync, waves order them. */
const preSyncHook = (w: string) => ({
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  'argocd.argoproj.io/sync-wave': w,
});

/**
 * Its own labels, not the service's: the Services, PDB and NetworkPolicies select the
 * service's pods, and a migration pod must neither receive traffic nor count as one.
 */
const migrationLabels = (o: OverlayOptions) => ({
  'app.kubernetes.io/name': MIGRATION_JOB(o),
  'app.kubernetes.io/part-of': o.name,
  'app.kubernetes.io/component': 'migration',
});

/** ServiceAccount and PreSync Job of the base; the Job runs the release tag of the migration image. */
export function migrationResources(o: OverlayOptions) {
  const m = o.migration!;
  const name = MIGRATION_JOB(o);
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, annotations: preSyncHook(WAVE.secrets) },
    automountServiceAccountToken: m.kubernetesApi,
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: migrationLabels(o),
      annotations: preSyncHook(WAVE.identity),
    },
    spec: {
      // one run at a time; the tool's own lock guards against a second sync's Job
      parallelism: 1,
      completions: 1,
      backoffLimit: m.backoffLimit,
      activeDeadlineSeconds: m.timeoutSeconds,
      template: {
        metadata: { labels: migrationLabels(o) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: m.kubernetesApi,
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: MIGRATION_CONTAINER,
              image: `${m.image ?? o.image}:${o.tag}`,
              imagePullPolicy: 'IfNotPresent',
              command: migrationCommand(m),
              // the tools (and npx, the JVM) write caches and temp files only below HOME and /tmp
              env: [{ name: 'HOME', value: '/tmp' }],
              envFrom: [{ secretRef: { name: migrationSecretName(o) } }],
              resources: {
                requests: { cpu: '100m', memory: '256Mi' },
                limits: { cpu: '1', memory: '1Gi' },
              },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
  return [serviceAccount, job];
}

/** The database Secret from the secret store, as a PreSync hook so it exists before the Job. */
export function migrationExternalSecret(o: OverlayOptions, env: Environment) {
  const secret = migrationSecretName(o);
  const key =
    o.secretStore.provider === 'vault'
      ? `${env}/${secret}`
      : `${env}/${o.namespace}/${secret}`;
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: secret, annotations: preSyncHook(WAVE.secrets) },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: o.secretStore.name },
      target: { name: secret, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key } }],
    },
  };
}

/**
 * Kustomize replacement: a migration image of its own repository runs the tag the
 * overlay's `images:` entry gives the service, so promotion still rewrites one field.
 */
export function migrationImageReplacement(o: OverlayOptions, tagIndex: number) {
  return {
    source: {
      group: 'argoproj.io',
      kind: 'Rollout',
      name: o.name,
      fieldPath: 'metadata.labels.[app.kubernetes.io/version]',
    },
    targets: [
      {
        select: { group: 'batch', kind: 'Job', name: MIGRATION_JOB(o) },
        fieldPaths: [
          `spec.template.spec.containers.[name=${MIGRATION_CONTAINER}].image`,
        ],
        options: { delimiter: ':', index: tagIndex },
      },
    ],
  };
}

const MIGRATIONS_RULE_DOC =
  'docs/gate-rules-migrations-load-dr.md#migrations-evidence-format-migration';

export function migrationReadme(o: OverlayOptions): string {
  const m = o.migration!;
  const secret = migrationSecretName(o);
  const defaults =
    m.tool === 'custom' ? undefined : MIGRATION_TOOL_DEFAULTS[m.tool];
  const table = Object.entries(MIGRATION_TOOL_DEFAULTS)
    .map(
      ([tool, d]) =>
        `| ${tool} | \`${d.command.join(' ')}\` | ${d.secretKeys
          .map(k => `\`${k}\``)
          .join(', ')} | ${d.lock} |`,
    )
    .join('\n');
  const source = m.externalSecret
    ? `The ExternalSecret \`${secret}\` (a PreSync hook too, one wave earlier) fills it from the
secret store \`${o.secretStore.name}\`, key \`<environment>/${
        o.secretStore.provider === 'vault' ? '' : `${o.namespace}/`
      }${secret}\`.`
    : `Create it in namespace \`${o.namespace}\` of each cluster yourself.`;
  const progressive =
    o.strategy === 'canary'
      ? 'canary: old and new pods serve side by side for the whole canary walk'
      : 'blue-green: the old (active) version keeps serving until promotion';
  return `# Database migration for ${o.name}

Generated by Gantry (gantry:gitops:overlays). Before every sync of an environment Argo CD runs
the Job \`${MIGRATION_JOB(
    o,
  )}\` as a **PreSync hook** (\`argocd.argoproj.io/hook: PreSync\`,
\`hook-delete-policy: BeforeHookCreation\`): the new Rollout is applied only when it succeeds.
A failed or timed-out migration fails the sync and the workload stays as it was.

- Tool: **${m.tool}**, image \`${
    m.image ?? o.image
  }:<release tag>\` (the overlay's \`images:\`
  tag, so the migrations of the release being deployed run)
- Command: \`${migrationCommand(m).join(' ')}\`
- Timeout: \`activeDeadlineSeconds: ${m.timeoutSeconds}\`, \`backoffLimit: ${
    m.backoffLimit
  }\`, \`parallelism: 1\`, \`completions: 1\`
- Its own ServiceAccount \`${MIGRATION_JOB(o)}\`${
    m.kubernetesApi
      ? ' (token mounted: kubernetesApi is on)'
      : ' without a token'
  }, restricted pod security, read-only root filesystem with \`/tmp\` (also \`HOME\`) writable
- Database credentials: every key of the Secret \`${secret}\` becomes an environment variable${
    defaults
      ? `; ${m.tool} needs ${defaults.secretKeys
          .map(k => `\`${k}\``)
          .join(', ')}`
      : ''
  }. ${source} Never put credentials in the command: it is stored in Git.

The root filesystem is read-only (the restricted policy gantry:gitops:validate enforces):
the Job mounts a writable \`/tmp\` and sets \`HOME=/tmp\` for the tool's caches and temporary files
(npx, the JVM). If your image writes elsewhere (e.g. downloads drivers at start), bake them into
the image or add an \`emptyDir\` there. The service's NetworkPolicies select the service's pods only; the
migration pod (\`app.kubernetes.io/name: ${MIGRATION_JOB(
    o,
  )}\`) runs before them on a first sync
and is not restricted by them.

## Locking

\`parallelism: 1\` keeps one pod per Job, and BeforeHookCreation deletes the previous Job before
a new sync creates it. Two syncs racing (two clusters, a manual run) are kept apart by the tool's
own lock:

| Tool | Default command | Secret keys | Lock |
| --- | --- | --- | --- |
${table}

A \`custom\` command must take such a lock itself (e.g. \`pg_advisory_lock\`).

## Canary and blue-green: expand/contract

This service releases ${progressive}, so the previous release runs against the migrated schema.
Every migration must be **backward compatible** (expand): add columns nullable or with defaults,
add tables and indexes (\`CREATE INDEX CONCURRENTLY\`); drop or rename only in a later release's
**contract** step, once no running version reads the old shape. Gantry's \`migrations\` gate rule
(${MIGRATIONS_RULE_DOC}) fails a ${o.strategy} release whose squawk-linted
migrations are not expand-only, and requires a down migration or a forward-only reason per step.

Rolling back a release re-syncs the older tag: its PreSync Job runs the older migrations, which
the tools treat as already applied (Flyway ignores newer applied versions by default); restoring
the old schema is the rollback plan recorded with the release, not this hook.
`;
}
