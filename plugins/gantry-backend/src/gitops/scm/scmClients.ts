import {
  DefaultGithubCredentialsProvider,
  DefaultGitlabCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { Config } from '@backstage/config';
import { githubPullRequests } from './githubPullRequests';
import { gitlabMergeRequests } from './gitlabMergeRequests';
import { ScmApiError, type PullRequestClient } from './PullRequestClient';

/** Git credentials and pull/merge request clients from Backstage's `integrations` config. */
export class ScmClients {
  private readonly integrations: ScmIntegrations;
  private readonly github: DefaultGithubCredentialsProvider;
  private readonly gitlab: DefaultGitlabCredentialsProvider;

  constructor(rootConfig: Config) {
    this.integrations = ScmIntegrations.fromConfig(rootConfig);
    this.github = DefaultGithubCredentialsProvider.fromIntegrations(
      this.integrations,
    );
    this.gitlab = DefaultGitlabCredentialsProvider.fromIntegrations(
      this.integrations,
    );
  }

  /** Basic auth for pushing to `repoUrl`; none when no integration covers its host. */
  async gitAuth(repoUrl: string) {
    const integration = this.integrations.byUrl(repoUrl);
    if (!integration) return undefined;
    if (integration.type === 'github' || integration.type === 'gitlab')
      return (await this.pullRequests(repoUrl)).gitAuth();
    return undefined;
  }

  /** The commit's web page on GitHub or GitLab; undefined for other hosts. */
  commitUrl(repoUrl: string, sha: string): string | undefined {
    const web = repoUrl.replace(/\/+$/, '').replace(/\.git$/, '');
    if (this.integrations.github.byUrl(repoUrl)) return `${web}/commit/${sha}`;
    if (this.integrations.gitlab.byUrl(repoUrl))
      return `${web}/-/commit/${sha}`;
    return undefined;
  }

  async pullRequests(repoUrl: string): Promise<PullRequestClient> {
    const github = this.integrations.github.byUrl(repoUrl);
    if (github) {
      const { token } = await this.github.getCredentials({ url: repoUrl });
      return githubPullRequests({ config: github.config, repoUrl, token });
    }
    const gitlab = this.integrations.gitlab.byUrl(repoUrl);
    if (gitlab) {
      const { token } = await this.gitlab.getCredentials({ url: repoUrl });
      return gitlabMergeRequests({ config: gitlab.config, repoUrl, token });
    }
    throw new ScmApiError(
      `No GitHub or GitLab integration covers ${
        new URL(repoUrl).host
      }: add it under integrations.github or integrations.gitlab in app-config, or set gantry.dev/gitops-mode: commit to push directly.`,
    );
  }
}
