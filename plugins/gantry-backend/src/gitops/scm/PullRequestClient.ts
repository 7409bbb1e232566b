/** What Gantry needs from an SCM's API: find or open the pull/merge request of a pushed branch. */
export interface PullRequestClient {
  /** Basic auth for Git over HTTPS with the integration's credentials. */
  gitAuth(): { username: string; password: string } | undefined;

  /** The open request from `branch` into `base`, or a new one; never a second. */
  ensurePullRequest(opts: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<{ url: string; created: boolean }>;
}

/** An SCM API answered with an error: names the call and what the SCM said. */
export class ScmApiError extends Error {}

export async function scmJson<T>(
  what: string,
  url: string,
  init: RequestInit,
): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    throw new ScmApiError(
      `${what} failed: ${res.status} ${
        res.statusText
      } from ${url}: ${text.slice(0, 300)}`,
    );
  }
  return JSON.parse(text) as T;
}

/** owner/repo (GitHub) or group/subgroup/project (GitLab) from a clone URL. */
export function repoPathOf(repoUrl: string): string {
  return new URL(repoUrl).pathname
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '');
}
