import * as coreV1 from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps';
import * as autoscaling from 'kubernetes-models/autoscaling';
import * as batch from 'kubernetes-models/batch';
import * as policy from 'kubernetes-models/policy';
import * as networking from 'kubernetes-models/networking.k8s.io';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io';
import * as rollouts from '@kubernetes-models/argo-rollouts/argoproj.io';
import * as argocd from '@kubernetes-models/argo-cd/argoproj.io';
import * as externalSecrets from '@kubernetes-models/external-secrets/external-secrets.io';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator/monitoring.coreos.com';
import * as gatewayApi from '@kubernetes-models/gateway-api/gateway.networking.k8s.io';
import * as istioNetworking from '@kubernetes-models/istio/networking.istio.io';
import * as istioSecurity from '@kubernetes-models/istio/security.istio.io';
import * as admission from 'kubernetes-models/admissionregistration.k8s.io';
import { chaosMeshKinds, validateChaosMesh } from './chaosMeshSchemas';

// The CommonJS builds of kubernetes-models 4.x and its CRD packages of that generation:
// the current majors are ESM-only with import-only exports, which neither the CommonJS
// backend bundle nor Jest can load.

type Model = new (data: any) => { validate(): void };

/** Model classes by `apiVersion/kind`. */
const MODELS = new Map<string, Model>();

function collect(versions: Record<string, any>, group: string) {
  for (const [version, classes] of Object.entries(versions)) {
    if (!classes || typeof classes !== 'object') continue;
    for (const [kind, cls] of Object.entries(classes as Record<string, any>)) {
      if (
        typeof cls === 'function' &&
        typeof cls.prototype?.validate === 'function'
      ) {
        MODELS.set(
          `${group ? `${group}/` : ''}${version}/${kind}`,
          cls as Model,
        );
      }
    }
  }
}

collect({ v1: coreV1 }, '');
collect(apps, 'apps');
collect(autoscaling, 'autoscaling');
collect(batch, 'batch');
collect(policy, 'policy');
collect(networking, 'networking.k8s.io');
collect(rbac, 'rbac.authorization.k8s.io');
collect(rollouts, 'argoproj.io');
collect(argocd, 'argoproj.io');
collect(externalSecrets, 'external-secrets.io');
collect(prometheusOperator, 'monitoring.coreos.com');
collect(gatewayApi, 'gateway.networking.k8s.io');
collect(istioNetworking, 'networking.istio.io');
collect(istioSecurity, 'security.istio.io');
collect(admission, 'admissionregistration.k8s.io');

export interface SchemaError {
  field: string;
  message: string;
}

/**
 * Validates one object against the schema of its apiVersion/kind. Returns undefined when
 * no schema is known for the kind (the caller reports it as unchecked).
 */
export function validateSchema(obj: {
  apiVersion?: string;
  kind?: string;
}): SchemaError[] | undefined {
  const chaos = validateChaosMesh(obj);
  if (chaos) return chaos;
  const Model = MODELS.get(`${obj.apiVersion}/${obj.kind}`);
  if (!Model) return undefined;
  try {
    new Model(obj).validate();
    return [];
  } catch (e: any) {
    const errors: any[] = e?.errors ?? [];
    if (errors.length === 0)
      return [{ field: '', message: String(e?.message ?? e) }];
    return errors.map(err => ({
      field: String(err.instancePath ?? '')
        .replace(/^\//, '')
        .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
        .replace(/\//g, '.'),
      message:
        err.keyword === 'additionalProperties'
          ? `has unknown field '${err.params?.additionalProperty}'`
          : String(err.message),
    }));
  }
}

export function knownKinds(): string[] {
  return [...MODELS.keys(), ...chaosMeshKinds()];
}
