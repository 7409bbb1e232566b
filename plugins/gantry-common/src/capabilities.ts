import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from './annotations';

/** @public */
export type GantryCapabilityId =
  | 'deployments'
  | 'rollouts'
  | 'analysis'
  | 'slos'
  | 'flags'
  | 'compliance';

/**
 * What an entity must carry for a capability. `anyOf` lists alternatives: one of them
 * is enough. `example` is a value a user can paste into catalog-info.yaml.
 */
export interface CapabilityRequirement {
  id: GantryCapabilityId;
  title: string;
  description: string;
  anyOf: string[];
  optional: string[];
  example: Record<string, string>;
}

export const CAPABILITY_REQUIREMENTS: CapabilityRequirement[] = [
  {
    id: 'deployments',
    title: 'Deployments',
    description:
      'Argo CD applications per environment, their sync and health, history and DORA figures.',
    anyOf: [ANNOTATIONS.argocdAppName, ANNOTATIONS.argocdAppSelector],
    optional: [
      ANNOTATIONS.argocdInstanceName,
      ANNOTATIONS.argocdProjectName,
      ANNOTATIONS.argocdAppNamespace,
    ],
    example: {
      [ANNOTATIONS.argocdAppSelector]: 'app.kubernetes.io/name=<service>',
    },
  },
  {
    id: 'rollouts',
    title: 'Progressive rollouts',
    description:
      'Argo Rollouts canary and blue-green progress, pauses and analysis runs.',
    anyOf: [ANNOTATIONS.kubernetesId, ANNOTATIONS.kubernetesLabelSelector],
    optional: [ANNOTATIONS.kubernetesNamespace],
    example: { [ANNOTATIONS.kubernetesId]: '<service>' },
  },
  {
    id: 'analysis',
    title: 'Canary analysis',
    description:
      'Statistical comparison of canary and stable metrics from Prometheus.',
    anyOf: [ANNOTATIONS.canaryAnalysis],
    optional: [],
    example: { [ANNOTATIONS.canaryAnalysis]: 'default' },
  },
  {
    id: 'slos',
    title: 'SLOs',
    description: 'Error budgets and multiwindow burn rates from Prometheus.',
    anyOf: [ANNOTATIONS.sloSpec, ANNOTATIONS.sloInline],
    optional: [],
    example: { [ANNOTATIONS.sloSpec]: './slos.yaml' },
  },
  {
    id: 'flags',
    title: 'Feature flags',
    description:
      'Flags per environment served over OFREP, with kill switches and experiments.',
    anyOf: [ANNOTATIONS.featureFlags],
    optional: [],
    example: { [ANNOTATIONS.featureFlags]: 'enabled' },
  },
  {
    id: 'compliance',
    title: 'Compliance',
    description:
      'Release evidence, quality gates and approvals for promotions.',
    anyOf: [ANNOTATIONS.compliancePolicy],
    optional: [],
    example: { [ANNOTATIONS.compliancePolicy]: 'default' },
  },
];

/** One capability as the overview reports it for an entity. */
export interface CapabilityStatus {
  id: GantryCapabilityId;
  title: string;
  description: string;
  configured: boolean;
  /** Annotations found on the entity that this capability reads. */
  found: Record<string, string>;
  /** What is missing, each with a sentence saying how to fix it. */
  missing: MissingItem[];
}

export interface MissingItem {
  kind: 'annotation' | 'config';
  /** Annotation names (alternatives) or the app-config key. */
  keys: string[];
  message: string;
  example?: Record<string, string>;
}

const annotationsOf = (entity: Entity) => entity.metadata.annotations ?? {};

/** True when the entity carries any annotation a Gantry capability reads. */
export function isGantryEntity(entity: Entity): boolean {
  const annotations = annotationsOf(entity);
  return CAPABILITY_REQUIREMENTS.some(r =>
    [...r.anyOf, ...r.optional].some(a => Boolean(annotations[a])),
  );
}

/**
 * Which capabilities the entity's annotations enable, and what to add for the others.
 * Shared by the backend (overview route) and the frontend (tab filter) so both agree.
 */
export function annotationStatus(entity: Entity): CapabilityStatus[] {
  const annotations = annotationsOf(entity);
  return CAPABILITY_REQUIREMENTS.map(req => {
    const found: Record<string, string> = {};
    for (const key of [...req.anyOf, ...req.optional]) {
      if (annotations[key]) found[key] = annotations[key];
    }
    const hasRequired = req.anyOf.some(a => Boolean(annotations[a]));
    const missing: MissingItem[] = hasRequired
      ? []
      : [
          {
            kind: 'annotation',
            keys: req.anyOf,
            message:
              req.anyOf.length === 1
                ? `Add the annotation ${req.anyOf[0]} to metadata.annotations in catalog-info.yaml.`
                : `Add one of the annotations ${req.anyOf.join(
                    ' or ',
                  )} to metadata.annotations in catalog-info.yaml.`,
            example: req.example,
          },
        ];
    return {
      id: req.id,
      title: req.title,
      description: req.description,
      configured: hasRequired,
      found,
      missing,
    };
  });
}
