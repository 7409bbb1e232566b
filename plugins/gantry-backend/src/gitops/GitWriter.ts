import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

export interface GitWrite {
  repoUrl: string;
  auth?: { username: string; password: string };
  overlayDir: string;
  /** The branch to commit to; the repository's default branch when absent. */
  branch?: string;
  message: string;
  author: { name: string; email: string };
  edit(text: string, file: string): string;
}

export interface GitWriteResult {
  /** The repository's default branch (the pull request's base). */
  base: string;
  /** The kustomization file, relative to the repository root. */
  file: string;
  commitSha: string;
  /** False when the file already said what `edit` writes: nothing was committed. */
  changed: boolean;
}

/**
 * Clones the GitOps repository over HTTP(S) (shallow, one branch), edits the overlay's
 * kustomization and pushes one commit, with isomorphic-git (what Backstage's scaffolder
 * uses). Re-running on a branch that already carries the edit pushes nothing.
 */
export async function writeOverlay(w: GitWrite): Promise<GitWriteResult> {
  const onAuth = () => w.auth ?? { cancel: true as const };
  const refs = await git.listServerRefs({
    http,
    url: w.repoUrl,
    onAuth,
    symrefs: true,
    prefix: 'HEAD',
  });
  const head = refs.find(r => r.ref === 'HEAD')?.target;
  if (!head?.startsWith('refs/heads/')) {
    throw new Error(
      `${w.repoUrl} has no default branch (an empty repository?); push the overlays first.`,
    );
  }
  const base = head.slice('refs/heads/'.length);
  const branch = w.branch ?? base;
  const branchExists =
    branch === base ||
    (
      await git.listServerRefs({
        http,
        url: w.repoUrl,
        onAuth,
        prefix: `refs/heads/${branch}`,
      })
    ).some(r => r.ref === `refs/heads/${branch}`);

  const dir = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'gantry-gitops-'),
  );
  try {
    await git.clone({
      fs,
      http,
      dir,
      url: w.repoUrl,
      onAuth,
      ref: branchExists ? branch : base,
      singleBranch: true,
      depth: 1,
      noTags: true,
    });
    if (!branchExists)
      await git.branch({ fs, dir, ref: branch, checkout: true });

    const file = KUSTOMIZATION_FILES.map(f =>
      path.posix.join(w.overlayDir, f),
    ).find(f => fs.existsSync(path.join(dir, f)));
    if (!file) {
      throw new Error(
        `No kustomization.yaml in ${w.overlayDir} of ${w.repoUrl} (branch ${base}); check the gantry.dev/gitops-path annotation.`,
      );
    }
    const text = await fs.promises.readFile(path.join(dir, file), 'utf8');
    const next = w.edit(text, file);
    if (next === text) {
      const commitSha = await git.resolveRef({ fs, dir, ref: 'HEAD' });
      return { base, file, commitSha, changed: false };
    }
    await fs.promises.writeFile(path.join(dir, file), next);
    await git.add({ fs, dir, filepath: file });
    const commitSha = await git.commit({
      fs,
      dir,
      message: w.message,
      author: w.author,
    });
    const pushed = await git.push({
      fs,
      http,
      dir,
      onAuth,
      ref: branch,
      remoteRef: `refs/heads/${branch}`,
    });
    if (!pushed.ok) {
      const why = pushed.error ?? JSON.stringify(pushed.refs);
      throw new Error(`Pushing ${branch} to ${w.repoUrl} was refused: ${why}`);
    }
    return { base, file, commitSha, changed: true };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
