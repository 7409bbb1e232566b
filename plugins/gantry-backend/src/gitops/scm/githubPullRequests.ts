import type { GithubIntegrationConfig } from '@backstage/integration';
import {
  repoPathOf,
  scmJson,
  ScmApiError,
  type PullRequestClient,
} from './PullRequestClient';

type Pull = { html_url: string; number: number };

/** GitHub's REST API (github.com or Enterprise): GET/POST /repos/{owner}/{repo}/pulls. */
export function githubPullRequests(opts: {
  config: GithubIntegrationConfig;
  repoUrl: string;
  token?: string;
}): PullRequestClient {
  const repo = repoPathOf(opts.repoUrl);
  const [owner, name, ...rest] = repo.split('/');
  if (!owner || !name || rest.length) {
    throw new ScmApiError(
      `${opts.repoUrl} is not a GitHub repository URL of the form https://${opts.config.host}/<owner>/<repo>.`,
    );
  }
  const api = `${
    opts.config.apiBaseUrl ?? 'https://api.github.com'
  }/repos/${owner}/${name}/pulls`;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'content-type': 'application/json',
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  };
  return {
    gitAuth: () =>
      opts.token
        ? { username: 'x-access-token', password: opts.token }
        : undefined,
    async ensurePullRequest({ branch, base, title, body }) {
      const open = await scmJson<Pull[]>(
        'Listing open pull requests',
        `${api}?${new URLSearchParams({
          state: 'open',
          head: `${owner}:${branch}`,
          base,
        })}`,
        { headers },
      );
      if (open.length) return { url: open[0].html_url, created: false };
      const pull = await scmJson<Pull>('Opening the pull request', api, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title, head: branch, base, body }),
      });
      return { url: pull.html_url, created: true };
    },
  };
}
