/** One entity that needs someone, and why, for the Home page. */
export interface AttentionRow {
  entityRef: string;
  why: string;
  href: string;
}

interface Sources {
  awaiting: Array<{ entityRef: string; version: string; environment: string }>;
  rollouts: Array<{ entityRef: string; environment: string; reason: string }>;
  incidents: Array<{ entityRef: string; title: string; status: string }>;
}

/** `component:default/checkout` -> `/catalog/default/component/checkout`. */
export function entityPath(entityRef: string, tab = ''): string {
  const [kindPart, rest] = entityRef.split(':');
  const [namespace, name] = rest.includes('/')
    ? rest.split('/')
    : ['default', rest];
  return `/catalog/${namespace}/${kindPart}/${name}${tab}`;
}

/** Open incidents first, then approvals waiting on the user, then rollouts waiting. */
export function attentionRows(s: Sources): AttentionRow[] {
  return [
    ...s.incidents.map(i => ({
      entityRef: i.entityRef,
      why: `incident ${i.status}: ${i.title}`,
      href: entityPath(i.entityRef, '/delivery'),
    })),
    ...s.awaiting.map(p => ({
      entityRef: p.entityRef,
      why: `${p.version} to ${p.environment} awaits your approval`,
      href: '/gantry/approvals',
    })),
    ...s.rollouts.map(r => ({
      entityRef: r.entityRef,
      why: `rollout in ${r.environment}: ${r.reason.replace(/-/g, ' ')}`,
      href: entityPath(r.entityRef, '/delivery'),
    })),
  ];
}
