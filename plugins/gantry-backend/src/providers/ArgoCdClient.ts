import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';

interface ArgoCdInstance {
  name: string;
  url: string;
  token?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Argo CD's REST API (/api/v1/applications...) on each configured instance, with the
 * instance's bearer token. Every call is bounded by a timeout, so a hung Argo CD costs
 * the Delivery tab ten seconds, not a hung request.
 */
export class ArgoCdClient {
  constructor(
    private readonly instances: ArgoCdInstance[],
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  names(): string[] {
    return this.instances.map(i => i.name);
  }

  private instance(name: string): ArgoCdInstance {
    const i = this.instances.find(x => x.name === name);
    if (!i) {
      throw new NotFoundError(
        `No Argo CD instance '${name}' in gantry.argocd.instances (configured: ${
          this.names().join(', ') || 'none'
        }).`,
      );
    }
    return i;
  }

  private async call<T>(
    name: string,
    path: string,
    init?: { method: string; body?: unknown },
  ): Promise<T> {
    const i = this.instance(name);
    let res: Response;
    try {
      res = await fetch(`${i.url.replace(/\/$/, '')}/api/v1${path}`, {
        method: init?.method ?? 'GET',
        headers: {
          Accept: 'application/json',
          ...(i.token ? { Authorization: `Bearer ${i.token}` } : {}),
          ...(init?.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : {}),
        },
        body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `Argo CD ${name} did not answer ${path}: ${(e as Error).message}`,
      );
    }
    if (res.status === 404 || res.status === 403) {
      // Argo CD answers 403 for applications the token may not see, as for missing ones.
      throw new NotFoundError(
        `Argo CD ${name} has no application visible at ${path} (${res.status}).`,
      );
    }
    if (!res.ok) {
      // Argo CD's errors are {error, code, message}; its message says why it refused.
      const detail = await res
        .json()
        .then((b: { message?: unknown }) =>
          typeof b?.message === 'string' ? `: ${b.message}` : '',
        )
        .catch(() => '');
      throw new ServiceUnavailableError(
        `Argo CD ${name} answered ${res.status} to ${path}${detail}.`,
      );
    }
    try {
      return (await res.json()) as T;
    } catch {
      throw new ServiceUnavailableError(
        `Argo CD ${name} answered ${path} with something that is not JSON.`,
      );
    }
  }

  async listApplications(
    instance: string,
    q: { selector?: string; projects?: string[]; appNamespace?: string },
  ) {
    const params = new URLSearchParams();
    if (q.selector) params.set('selector', q.selector);
    for (const p of q.projects ?? []) params.append('projects', p);
    if (q.appNamespace) params.set('appNamespace', q.appNamespace);
    const list = await this.call<{ items: any[] | null }>(
      instance,
      `/applications?${params}`,
    );
    return list.items ?? [];
  }

  getApplication(
    instance: string,
    name: string,
    appNamespace?: string,
  ): Promise<any> {
    const q = appNamespace
      ? `?appNamespace=${encodeURIComponent(appNamespace)}`
      : '';
    return this.call(instance, `/applications/${encodeURIComponent(name)}${q}`);
  }

  /** POST /applications/{name}/sync, as the Argo CD UI's plain Sync does. */
  sync(instance: string, name: string, appNamespace?: string): Promise<any> {
    return this.call(
      instance,
      `/applications/${encodeURIComponent(name)}/sync`,
      {
        method: 'POST',
        body: {
          prune: false,
          dryRun: false,
          ...(appNamespace ? { appNamespace } : {}),
        },
      },
    );
  }

  /** A normal refresh: Argo CD compares the app with Git again. */
  refresh(instance: string, name: string, appNamespace?: string): Promise<any> {
    const q = new URLSearchParams({
      refresh: 'normal',
      ...(appNamespace ? { appNamespace } : {}),
    });
    return this.call(
      instance,
      `/applications/${encodeURIComponent(name)}?${q}`,
    );
  }

  /** Roll back to a history id from status.history[].id. */
  rollback(
    instance: string,
    name: string,
    id: number,
    appNamespace?: string,
  ): Promise<any> {
    return this.call(
      instance,
      `/applications/${encodeURIComponent(name)}/rollback`,
      {
        method: 'POST',
        body: {
          id,
          prune: false,
          dryRun: false,
          ...(appNamespace ? { appNamespace } : {}),
        },
      },
    );
  }

  /**
   * PATCH /applications/{name} (ApplicationPatchRequest): a JSON merge patch of the
   * Application, e.g. `{spec: {syncPolicy: {automated: null}}}` to stop automated sync.
   */
  patchApplication(
    instance: string,
    name: string,
    patch: object,
    appNamespace?: string,
  ): Promise<any> {
    return this.call(instance, `/applications/${encodeURIComponent(name)}`, {
      method: 'PATCH',
      body: {
        name,
        patch: JSON.stringify(patch),
        patchType: 'merge',
        ...(appNamespace ? { appNamespace } : {}),
      },
    });
  }

  /**
   * GET /applications/{name}/manifests: the manifests Argo CD renders for the app's
   * target revision, or at a history entry's revision(s): `revision` for a single-source
   * app, `revisions` with their 1-based `sourcePositions` for a multi-source one.
   * Answers `{manifests: string[]}`, each a JSON-encoded object.
   */
  manifests(
    instance: string,
    name: string,
    opts: { revisions?: string[]; appNamespace?: string } = {},
  ): Promise<{ manifests?: string[] | null }> {
    const q = new URLSearchParams();
    const revisions = opts.revisions ?? [];
    if (revisions.length === 1) q.set('revision', revisions[0]);
    if (revisions.length > 1)
      revisions.forEach((r, i) => {
        q.append('revisions', r);
        q.append('sourcePositions', String(i + 1));
      });
    if (opts.appNamespace) q.set('appNamespace', opts.appNamespace);
    const query = q.size ? `?${q}` : '';
    return this.call(
      instance,
      `/applications/${encodeURIComponent(name)}/manifests${query}`,
    );
  }

  revisionMetadata(
    instance: string,
    app: string,
    revision: string,
    sourceIndex?: number,
  ): Promise<{
    author?: string;
    date?: string;
    message?: string;
  }> {
    const q = sourceIndex !== undefined ? `?sourceIndex=${sourceIndex}` : '';
    return this.call(
      instance,
      `/applications/${encodeURIComponent(app)}/revisions/${encodeURIComponent(
        revision,
      )}/metadata${q}`,
    );
  }
}
