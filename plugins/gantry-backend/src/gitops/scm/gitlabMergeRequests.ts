import type { GitLabIntegrationConfig } from '@backstage/integration';
import {
  repoPathOf,
  scmJson,
  type PullRequestClient,
} from './PullRequestClient';

type MergeRequest = { web_url: string; iid: number };

/** GitLab's REST API v4: GET/POST /projects/:id/merge_requests (id = the URL-encoded path). */
export function gitlabMergeRequests(opts: {
  config: GitLabIntegrationConfig;
  repoUrl: string;
  token?: string;
}): PullRequestClient {
  const project = encodeURIComponent(repoPathOf(opts.repoUrl));
  const api = `${opts.config.apiBaseUrl}/projects/${project}/merge_requests`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  };
  return {
    gitAuth: () =>
      opts.token ? { username: 'oauth2', password: opts.token } : undefined,
    async ensurePullRequest({ branch, base, title, body }) {
      const open = await scmJson<MergeRequest[]>(
        'Listing open merge requests',
        `${api}?${new URLSearchParams({
          state: 'opened',
          source_branch: branch,
          target_branch: base,
        })}`,
        { headers },
      );
      if (open.length) return { url: open[0].web_url, created: false };
      const mr = await scmJson<MergeRequest>('Opening the merge request', api, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          source_branch: branch,
          target_branch: base,
          title,
          description: body,
          remove_source_branch: true,
        }),
      });
      return { url: mr.web_url, created: true };
    },
  };
}
