/** How an approved promotion reaches the GitOps repository. */
export type GitopsMode = 'pull-request' | 'commit';

/**
 * Where a GitOps change stands: `pending` while Gantry writes it, `proposed` once the
 * pull/merge request is open, `committed` once pushed to the default branch, `failed`
 * with a reason (retry with POST …/promotions/:id/gitops).
 */
export type GitopsChangeStatus =
  | 'pending'
  | 'proposed'
  | 'committed'
  | 'failed';

/** The Git change an approved promotion made: one per promotion request. */
export interface GitopsChange {
  id: string;
  requestId: string;
  entityRef: string;
  version: string;
  environment: string;
  mode: GitopsMode;
  repoUrl: string;
  /** The kustomization file that was (or would be) rewritten, relative to the repository. */
  path: string;
  /** The image reference written: the release's tag and digest. */
  tag: string;
  digest?: string;
  status: GitopsChangeStatus;
  branch?: string;
  commitSha?: string;
  /** The pull/merge request's web page, or the commit's on GitHub/GitLab. */
  url?: string;
  /** Why the last attempt failed. */
  error?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}
