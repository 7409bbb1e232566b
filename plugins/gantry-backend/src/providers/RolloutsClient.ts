import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type {
  RolloutObject,
  RolloutPatch,
  RolloutPatchPlan,
} from './rolloutTypes';

interface ClusterConfig {
  name: string;
  url: string;
  serviceAccountToken?: string;
  skipTLSVerify?: boolean;
}

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Argo Rollouts objects through the Kubernetes API of each configured cluster.
 * @kubernetes/client-node 1.x on purpose: 2.x bundles its own undici, whose requests
 * msw cannot intercept, so tests could not stand in for a cluster.
 */
export class RolloutsClient {
  private readonly apis = new Map<string, CustomObjectsApi>();

  constructor(
    private readonly clusters: ClusterConfig[],
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  private api(cluster: string): CustomObjectsApi {
    const existing = this.apis.get(cluster);
    if (existing) return existing;
    const c = this.clusters.find(x => x.name === cluster);
    if (!c) {
      throw new NotFoundError(
        `No Kubernetes cluster '${cluster}' in gantry.kubernetes.clusters (configured: ${
          this.clusters.map(x => x.name).join(', ') || 'none'
        }).`,
      );
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: c.name,
          server: c.url,
          skipTLSVerify: Boolean(c.skipTLSVerify),
        },
      ],
      users: [{ name: 'gantry', token: c.serviceAccountToken }],
      contexts: [{ name: c.name, cluster: c.name, user: 'gantry' }],
      currentContext: c.name,
    });
    const api = kc.makeApiClient(CustomObjectsApi);
    this.apis.set(cluster, api);
    return api;
  }

  private async call<T>(
    cluster: string,
    what: string,
    fn: (api: CustomObjectsApi) => Promise<T>,
  ): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    // client-node 1.x takes no abort signal per call: race it, so a hung API server
    // costs the caller the timeout, not a hung request.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError(
              `The Kubernetes API of cluster ${cluster} did not answer ${what} within ${this.timeoutMs} ms.`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(this.api(cluster)), timeout]);
    } catch (e) {
      if (e instanceof ServiceUnavailableError || e instanceof NotFoundError)
        throw e;
      if (e instanceof ApiException) {
        if (e.code === 404)
          throw new NotFoundError(
            `${what} was not found in cluster ${cluster}.`,
          );
        throw new ServiceUnavailableError(
          `The Kubernetes API of cluster ${cluster} answered ${e.code} to ${what}.`,
        );
      }
      throw new ServiceUnavailableError(
        `The Kubernetes API of cluster ${cluster} could not be read for ${what}: ${
          (e as Error).message
        }`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  getRollout(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<RolloutObject> {
    return this.call(cluster, `Rollout ${namespace}/${name}`, api =>
      api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'rollouts',
        name,
      }),
    );
  }

  async listRollouts(
    cluster: string,
    namespace: string,
    labelSelector: string,
  ): Promise<RolloutObject[]> {
    const list = await this.call(cluster, `Rollouts in ${namespace}`, api =>
      api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'rollouts',
        labelSelector,
      }),
    );
    return (list as { items: RolloutObject[] }).items;
  }

  async listAnalysisRuns(cluster: string, namespace: string): Promise<any[]> {
    const list = await this.call(cluster, `AnalysisRuns in ${namespace}`, api =>
      api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'analysisruns',
      }),
    );
    return (list as { items: any[] }).items;
  }

  /** Experiments (a Rollout's experiment steps create them; they own their AnalysisRuns). */
  async listExperiments(cluster: string, namespace: string): Promise<any[]> {
    const list = await this.call(cluster, `Experiments in ${namespace}`, api =>
      api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'experiments',
      }),
    );
    return (list as { items: any[] }).items;
  }

  /** Sends one merge patch to the Rollout or its status subresource. */
  async patch(
    cluster: string,
    namespace: string,
    name: string,
    p: RolloutPatch,
  ): Promise<void> {
    await this.call(cluster, `Rollout ${namespace}/${name}`, api =>
      this.send(api, namespace, name, p),
    );
  }

  /**
   * Sends an action's patches as the CLI does (cmd/promote PromoteRollout): the status
   * patch first; if /status answers 404 the unified patch to the main resource in place
   * of both, else the main patch. Answers the patches actually sent, in order.
   */
  async applyPlan(
    cluster: string,
    namespace: string,
    name: string,
    plan: RolloutPatchPlan,
  ): Promise<RolloutPatch[]> {
    const what = `Rollout ${namespace}/${name}`;
    const sent: RolloutPatch[] = [];
    let main = plan.main;
    if (plan.status) {
      const p: RolloutPatch = { subresource: 'status', body: plan.status };
      const statusMissing = await this.call(cluster, what, async api => {
        try {
          await this.send(api, namespace, name, p);
          return false;
        } catch (e) {
          if (e instanceof ApiException && e.code === 404) return true;
          throw e;
        }
      });
      if (statusMissing) main = plan.unified;
      else sent.push(p);
    }
    if (main) {
      const p: RolloutPatch = { subresource: 'main', body: main };
      await this.call(cluster, what, api => this.send(api, namespace, name, p));
      sent.push(p);
    }
    return sent;
  }

  private send(
    api: CustomObjectsApi,
    namespace: string,
    name: string,
    p: RolloutPatch,
  ) {
    const params = {
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'rollouts',
      name,
      body: p.body,
    };
    // client-node sends JSON Patch unless told otherwise; the CLI sends merge patches.
    const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    return p.subresource === 'status'
      ? api.patchNamespacedCustomObjectStatus(params, opts)
      : api.patchNamespacedCustomObject(params, opts);
  }
}
