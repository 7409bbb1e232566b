import type { Manifest, Violation } from './policies';

/** Failure injection belongs to staging drills: a Chaos Mesh object in production is refused. */
export function chaosPolicies(manifests: Manifest[], out: Violation[]) {
  for (const m of manifests) {
    if (
      m.environment !== 'production' ||
      !String(m.obj.apiVersion ?? '').startsWith('chaos-mesh.org/')
    )
      continue;
    out.push({
      file: m.file,
      object: `${m.obj.kind}/${m.obj.metadata?.name ?? '(unnamed)'}`,
      field: '',
      message:
        'injects failures in production, where real users would take the fault',
      fix: 'Run chaos drills in staging only (the overlays put them in overlays/staging); remove it from production.',
    });
  }
}
