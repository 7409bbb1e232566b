import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS, type GitopsMode } from '@gantry/plugin-gantry-common';
import { OverlayError } from './overlayImage';

/** Where an entity's approved releases go: read from its gantry.dev/gitops-* annotations. */
export interface GitopsTarget {
  repoUrl: string;
  /** The overlay folder of the environment, relative to the repository root. */
  overlayDir: string;
  mode: GitopsMode;
  image?: string;
}

/** Undefined when the entity has no gantry.dev/gitops-repo (it does not deploy through Gantry's Git changes). */
export function gitopsTargetOf(
  entity: Entity,
  environment: string,
): GitopsTarget | undefined {
  const a = entity.metadata.annotations ?? {};
  const repoUrl = a[ANNOTATIONS.gitopsRepo]?.trim();
  if (!repoUrl) return undefined;
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    throw new OverlayError(
      `${ANNOTATIONS.gitopsRepo} '${repoUrl}' is not a URL; use the repository's https clone URL, e.g. https://github.com/acme/deploy.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OverlayError(
      `${ANNOTATIONS.gitopsRepo} '${repoUrl}' must be an http(s) clone URL (Gantry writes over HTTPS with the SCM integration's credentials).`,
    );
  }
  const mode = (a[ANNOTATIONS.gitopsMode] ?? 'pull-request').trim();
  if (mode !== 'pull-request' && mode !== 'commit') {
    throw new OverlayError(
      `${ANNOTATIONS.gitopsMode} is '${mode}'; use pull-request or commit.`,
    );
  }
  const overlayDir = (a[ANNOTATIONS.gitopsPath] ?? 'overlays/{environment}')
    .replace(/\{environment\}/g, environment)
    .replace(/^\/+|\/+$/g, '');
  if (!overlayDir || overlayDir.split('/').some(s => s === '..' || s === '.')) {
    throw new OverlayError(
      `${ANNOTATIONS.gitopsPath} must be a folder inside the repository, e.g. overlays/{environment}, without . or .. segments.`,
    );
  }
  return {
    repoUrl,
    overlayDir,
    mode,
    image: a[ANNOTATIONS.gitopsImage]?.trim() || undefined,
  };
}
