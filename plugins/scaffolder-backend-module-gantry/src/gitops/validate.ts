import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { toAlertmanagerConfig } from './alertmanagerConversion';
import { amtoolCheckConfig } from './amtool';
import { checkPolicies, type Manifest, type Violation } from './policies';
import { validateSchema } from './schemas';
import { CHAOS_DRILL_LABEL } from './chaos';

const run = promisify(execFile);
export type { Violation } from './policies';

export interface ValidationReport {
  valid: boolean;
  /** Objects checked against a schema. */
  checked: number;
  /** `apiVersion/kind` of objects no schema is known for (not failed, listed). */
  unchecked: string[];
  /** Alertmanager configs (files and AlertmanagerConfig resources) `amtool check-config` passed or failed. */
  alertmanagerChecked: number;
  violations: Violation[];
}

const KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/;

/** Every YAML file below `root`, as path relative to root -> content. */
export function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(abs);
      } else if (/\.ya?ml$/.test(entry.name)) {
        files[path.relative(root, abs).split(path.sep).join('/')] =
          fs.readFileSync(abs, 'utf8');
      }
    }
  };
  walk(root);
  return files;
}

const environmentOf = (file: string, obj: any) =>
  obj?.metadata?.labels?.['gantry.dev/environment'] ??
  /(^|\/)overlays\/([^/]+)\//.exec(`${file}/`)?.[2];

function parseDocs(file: string, text: string, problems: Violation[]): any[] {
  const docs = parseAllDocuments(text);
  const out: any[] = [];
  for (const d of docs) {
    if (d.errors.length) {
      problems.push({
        file,
        object: '(document)',
        field: '',
        message: `is not valid YAML: ${d.errors[0].message.split('\n')[0]}`,
        fix: 'Fix the YAML syntax.',
      });
      continue;
    }
    const obj = d.toJS();
    if (obj !== null && obj !== undefined) out.push(obj);
  }
  return out;
}

/** The Chaos Mesh experiments a drill ConfigMap carries, checked like any manifest. */
function drillExperiments(
  file: string,
  obj: any,
  problems: Violation[],
): Array<{ file: string; obj: any }> {
  if (
    obj?.kind !== 'ConfigMap' ||
    obj.metadata?.labels?.[CHAOS_DRILL_LABEL] !== 'true'
  )
    return [];
  return Object.entries<string>(obj.data ?? {}).flatMap(([key, text]) => {
    const at = `${file} ConfigMap/${obj.metadata.name} ${key}`;
    return parseDocs(at, text, problems).map(e => ({ file: at, obj: e }));
  });
}

/** A plain alertmanager.yml: a route and receivers, not a Kubernetes object. */
function isAlertmanagerFile(text: string): boolean {
  const docs = parseAllDocuments(text);
  if (docs.length !== 1 || docs[0].errors.length) return false;
  const obj = docs[0].toJS();
  return (
    typeof obj === 'object' &&
    obj !== null &&
    !obj.apiVersion &&
    'route' in obj &&
    'receivers' in obj
  );
}

/** amtool check-config on each plain config and on each AlertmanagerConfig as the operator merges it. */
async function checkAlertmanager(
  plain: Array<{ file: string; text: string }>,
  manifests: Manifest[],
  amtool: string | undefined,
  problems: Violation[],
): Promise<number> {
  const fix = 'Correct the config so `amtool check-config` accepts it.';
  let count = 0;
  for (const { file, text } of plain) {
    count += 1;
    const reason = await amtoolCheckConfig(text, amtool);
    if (reason) {
      problems.push({
        file,
        object: 'Alertmanager config',
        field: '',
        message: `fails amtool check-config: ${reason}`,
        fix,
      });
    }
  }
  for (const m of manifests) {
    if (
      m.obj.kind !== 'AlertmanagerConfig' ||
      !String(m.obj.apiVersion).startsWith('monitoring.coreos.com/')
    )
      continue;
    count += 1;
    const name = m.obj.metadata?.name ?? '(unnamed)';
    const config = toAlertmanagerConfig(m.obj.spec, {
      namespace: m.obj.metadata?.namespace ?? 'default',
      name,
    });
    const reason = await amtoolCheckConfig(config, amtool);
    if (reason) {
      problems.push({
        file: m.file,
        object: `AlertmanagerConfig/${name}`,
        field: 'spec',
        message: `fails amtool check-config once merged into Alertmanager's config: ${reason}`,
        fix,
      });
    }
  }
  return count;
}

/** Kustomization roots: directories with a kustomization that no other kustomization includes. */
function kustomizationRoots(files: Record<string, string>): string[] {
  const dirs = Object.keys(files)
    .filter(f => KUSTOMIZATION.test(f))
    .map(f => path.posix.dirname(f));
  const included = new Set<string>();
  for (const dir of dirs) {
    const k =
      parseAllDocuments(
        files[`${dir}/kustomization.yaml`] ?? files[`${dir}/kustomization.yml`],
      )[0]?.toJS() ?? {};
    for (const r of [
      ...(k.resources ?? []),
      ...(k.bases ?? []),
      ...(k.components ?? []),
    ]) {
      included.add(path.posix.normalize(path.posix.join(dir, r)));
    }
  }
  return dirs.filter(d => !included.has(d)).sort();
}

/**
 * Validates a GitOps tree: with `build: 'kustomize'` each Kustomization root is built
 * with `kubectl kustomize` and what it renders is checked; with `build: 'none'` every
 * manifest file is checked as it stands (kustomizations and patches skipped). Either way
 * every Alertmanager config (alertmanager.yml files, AlertmanagerConfig resources) must
 * pass `amtool check-config`.
 */
export async function validateTree(
  root: string,
  opts: {
    build: 'kustomize' | 'none';
    environment?: string;
    kubectl?: string;
    amtool?: string;
    /** Environments whose routes must carry TLS (besides those the overlays mark gantry.dev/require-tls). */
    requireTls?: string[];
  },
): Promise<ValidationReport> {
  const files = readTree(root);
  const problems: Violation[] = [];
  const manifests: Manifest[] = [];
  const alertmanagerFiles = Object.entries(files)
    .filter(([, text]) => isAlertmanagerFile(text))
    .map(([file, text]) => ({ file, text }));
  const isPlainAlertmanager = new Set(alertmanagerFiles.map(f => f.file));
  if (opts.build === 'kustomize') {
    const roots = kustomizationRoots(files);
    if (roots.length === 0) {
      problems.push({
        file: '.',
        object: '(tree)',
        field: '',
        message: 'has no kustomization.yaml',
        fix: "Add a kustomization, or validate with build: 'none'.",
      });
    }
    for (const dir of roots) {
      const label = `${dir} (kustomize build)`;
      try {
        const { stdout } = await run(
          opts.kubectl ?? 'kubectl',
          ['kustomize', path.join(root, dir)],
          { timeout: 60_000, maxBuffer: 32 << 20 },
        );
        for (const obj of parseDocs(label, stdout, problems)) {
          const environment = opts.environment ?? environmentOf(`${dir}/`, obj);
          manifests.push({ file: label, obj, environment });
          manifests.push(
            ...drillExperiments(label, obj, problems).map(e => ({
              ...e,
              environment,
            })),
          );
        }
      } catch (e: any) {
        if (e?.code === 'ENOENT') {
          throw new Error(
            "kubectl is not installed where the scaffolder runs; install it (its built-in kustomize builds the overlays) or validate with build: 'none'",
          );
        }
        problems.push({
          file: `${dir}/kustomization.yaml`,
          object: 'Kustomization',
          field: '',
          message: `does not build: ${String(e?.stderr || e?.message)
            .trim()
            .split('\n')
            .pop()}`,
          fix: 'Fix the kustomization so `kubectl kustomize` builds it.',
        });
      }
    }
  } else {
    const patches = new Set<string>();
    for (const [f, text] of Object.entries(files)) {
      if (!KUSTOMIZATION.test(f)) continue;
      const k = parseAllDocuments(text)[0]?.toJS() ?? {};
      for (const p of [
        ...(k.patches ?? []),
        ...(k.patchesStrategicMerge ?? []),
        ...(k.patchesJson6902 ?? []),
      ]) {
        const rel = typeof p === 'string' ? p : p?.path;
        if (rel)
          patches.add(
            path.posix.normalize(path.posix.join(path.posix.dirname(f), rel)),
          );
      }
    }
    for (const [f, text] of Object.entries(files)) {
      if (KUSTOMIZATION.test(f) || patches.has(f) || isPlainAlertmanager.has(f))
        continue;
      for (const obj of parseDocs(f, text, problems)) {
        if (Array.isArray(obj) || typeof obj !== 'object') continue;
        manifests.push({
          file: f,
          obj,
          environment: opts.environment ?? environmentOf(f, obj),
        });
      }
    }
  }

  let checked = 0;
  const unchecked = new Set<string>();
  for (const m of manifests) {
    const name = `${m.obj.kind ?? '(no kind)'}/${
      m.obj.metadata?.name ?? '(unnamed)'
    }`;
    if (!m.obj.apiVersion || !m.obj.kind) {
      problems.push({
        file: m.file,
        object: name,
        field: m.obj.apiVersion ? 'kind' : 'apiVersion',
        message: 'is missing',
        fix: 'Every manifest needs apiVersion and kind.',
      });
      continue;
    }
    const errors = validateSchema(m.obj);
    if (!errors) {
      unchecked.add(`${m.obj.apiVersion}/${m.obj.kind}`);
      continue;
    }
    checked += 1;
    for (const err of errors) {
      problems.push({
        file: m.file,
        object: name,
        field: err.field,
        message: err.message,
        fix: `Correct the field to match the ${m.obj.kind} schema of ${m.obj.apiVersion}.`,
      });
    }
  }
  problems.push(...checkPolicies(manifests, { requireTls: opts.requireTls }));
  const alertmanagerChecked = await checkAlertmanager(
    alertmanagerFiles,
    manifests,
    opts.amtool,
    problems,
  );
  return {
    valid: problems.length === 0,
    checked,
    unchecked: [...unchecked].sort(),
    alertmanagerChecked,
    violations: problems,
  };
}

export function describeViolations(violations: Violation[]): string {
  return violations
    .map(
      v =>
        `${v.file}: ${v.object}${v.field ? ` ${v.field}` : ''} ${v.message}. ${
          v.fix
        }`,
    )
    .join('\n');
}
