import { isCelError, run as celRun } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateOverlays } from './generate';
import { validateSchema } from './schemas';

// The platform's ValidatingAdmissionPolicy, evaluated with a CEL interpreter (@bufbuild/cel,
// the CEL spec's standard macros and functions) the way the API server applies it: each
// variable in order over `object`, then every validation; one false validation denies.
// Kubernetes' CEL environment includes the strings extension (join, ...) as here; its own
// libraries (quantity, url, ...) are not used by the policy.

function run(expression: string, bindings: Record<string, any>) {
  const value = celRun(expression, bindings, { funcs: strings });
  if (isCelError(value)) throw new Error(`${expression}: ${value.message}`);
  return value;
}

const admissionDir = path.resolve(
  __dirname,
  '../../../../templates/platform-bootstrap/skeleton/admission',
);
const REGISTRIES = ['ghcr.io/acme/', 'registry.acme.dev/'];

/** The skeleton file as fetch:template renders it for these registries. */
function policies(file: string) {
  const text = fs
    .readFileSync(path.join(admissionDir, file), 'utf8')
    .replace(
      /\$\{\{[^}]*values\.allowedRegistries[^}]*\}\}/,
      JSON.stringify(REGISTRIES),
    );
  return parseAllDocuments(text).map(d => d.toJS());
}

/** Denial messages for a pod; [] when every validation holds. */
function admit(policy: any, pod: any): string[] {
  const variables: Record<string, unknown> = {};
  for (const v of policy.spec.variables ?? []) {
    variables[v.name] = run(v.expression, { object: pod, variables });
  }
  const denials: string[] = [];
  for (const v of policy.spec.validations) {
    const ok = run(v.expression, { object: pod, variables });
    if (typeof ok !== 'boolean')
      throw new Error(`${v.expression} gave ${String(ok)}, not a boolean`);
    if (!ok)
      denials.push(
        v.messageExpression
          ? String(run(v.messageExpression, { object: pod, variables }))
          : v.message,
      );
  }
  return denials;
}

/** A pod as the generated Rollout's ReplicaSet would create it. */
function generatedPod(): any {
  const files = generateOverlays({
    name: 'checkout',
    namespace: 'shop',
    image: 'ghcr.io/acme/checkout',
    tag: '1.4.2',
    gitopsRepoUrl: 'https://github.com/acme/gitops',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-vap-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  const out = execFileSync(
    'kubectl',
    ['kustomize', path.join(dir, 'overlays/production')],
    { encoding: 'utf8' },
  );
  const rollout = parseAllDocuments(out)
    .map(d => d.toJS())
    .find(o => o.kind === 'Rollout');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...rollout.spec.template.metadata, namespace: 'shop' },
    spec: rollout.spec.template.spec,
  };
}

describe('the platform admission policy', () => {
  const [restricted, binding] = policies('restricted-pods.yaml');
  const [digests, digestBinding] = policies('image-digests.yaml');
  const good = generatedPod();
  const withContainer = (change: (c: any) => void, pod = good) => {
    const p = structuredClone(pod);
    change(p.spec.containers[0]);
    return p;
  };

  it('is a valid ValidatingAdmissionPolicy with a Deny binding on Gantry-managed namespaces', () => {
    for (const obj of [restricted, binding, digests, digestBinding])
      expect({ kind: obj.kind, errors: validateSchema(obj) }).toEqual({
        kind: obj.kind,
        errors: [],
      });
    expect(binding.spec).toEqual({
      policyName: 'gantry-restricted-pods',
      validationActions: ['Deny', 'Audit'],
      matchResources: {
        namespaceSelector: { matchLabels: { 'gantry.dev/managed': 'true' } },
      },
    });
    expect(digestBinding.spec.validationActions).toEqual(['Warn', 'Audit']);
  });

  it('admits the pods of the generated Rollout', () => {
    expect(admit(restricted, good)).toEqual([]);
  });

  it.each<[string, (pod: any) => any, RegExp]>([
    [
      'hostNetwork',
      p => ({ ...p, spec: { ...p.spec, hostNetwork: true } }),
      /host namespace/,
    ],
    [
      'a hostPath volume',
      p => ({
        ...p,
        spec: {
          ...p.spec,
          volumes: [{ name: 'root', hostPath: { path: '/' } }],
        },
      }),
      /hostPath/,
    ],
    [
      'a privileged container',
      p => withContainer(c => (c.securityContext.privileged = true), p),
      /privileged/,
    ],
    [
      'privilege escalation',
      p =>
        withContainer(
          c => delete c.securityContext.allowPrivilegeEscalation,
          p,
        ),
      /allowPrivilegeEscalation/,
    ],
    [
      'root',
      p => withContainer(c => (c.securityContext.runAsNonRoot = false), p),
      /non-root/,
    ],
    [
      'UID 0',
      p => withContainer(c => (c.securityContext.runAsUser = 0), p),
      /user 0/,
    ],
    [
      'kept capabilities',
      p =>
        withContainer(
          c =>
            (c.securityContext.capabilities = {
              add: ['NET_ADMIN'],
              drop: ['ALL'],
            }),
          p,
        ),
      /drop ALL capabilities/,
    ],
    [
      'no seccomp profile',
      p => {
        const q = withContainer(
          c => delete c.securityContext.seccompProfile,
          p,
        );
        delete q.spec.securityContext.seccompProfile;
        return q;
      },
      /seccompProfile/,
    ],
    [
      'an image from another registry',
      p => withContainer(c => (c.image = 'docker.io/library/nginx:1.27'), p),
      /outside the allowed registries ghcr\.io\/acme\/, registry\.acme\.dev\/: docker\.io\/library\/nginx:1\.27/,
    ],
    [
      ':latest',
      p => withContainer(c => (c.image = 'ghcr.io/acme/checkout:latest'), p),
      /pinned tag other than latest/,
    ],
    [
      'an untagged image',
      p => withContainer(c => (c.image = 'ghcr.io/acme/checkout'), p),
      /pinned tag other than latest/,
    ],
    [
      'a bad init container',
      p => ({
        ...p,
        spec: {
          ...p.spec,
          initContainers: [{ name: 'init', image: 'ghcr.io/acme/init:1' }],
        },
      }),
      /allowPrivilegeEscalation/,
    ],
  ])('denies a pod with %s', (_what, change, message) => {
    const denials = admit(restricted, change(good));
    expect(denials).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
  });

  it('admits a registry port, a digest and tag@digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const image of [
      `registry.acme.dev/team/app:2.0.1`,
      `ghcr.io/acme/checkout@${digest}`,
      `ghcr.io/acme/checkout:1.4.2@${digest}`,
    ])
      expect({
        image,
        denials: admit(
          restricted,
          withContainer(c => (c.image = image)),
        ),
      }).toEqual({
        image,
        denials: [],
      });
  });

  it('warns about images without a digest', () => {
    expect(admit(digests, good)).toEqual([
      'runs an image by tag only; promote it through Gantry so the overlay pins its digest',
    ]);
    expect(
      admit(
        digests,
        withContainer(c => (c.image = `${c.image}@sha256:${'b'.repeat(64)}`)),
      ),
    ).toEqual([]);
  });
});
