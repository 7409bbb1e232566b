import { readFile, realpath } from 'node:fs/promises';
import { dirname, relative, resolve as resolvePath, sep } from 'node:path';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import type { SloDefinition } from './model';
import { parseSloSpec } from './parseSloSpec';

interface LoadedSpec {
  /** The URL read, or `annotation gantry.dev/slos` for inline specs. */
  source: string;
  slos: SloDefinition[];
}

const CACHE_MS = 60_000;

/**
 * Finds an entity's SLO spec and parses it. Two ways to declare one:
 * - `gantry.dev/slo-spec: <url or path>`: a file in the service repository, read with
 *   Backstage's UrlReader (so `integrations` credentials and `backend.reading.allow`
 *   apply). A relative path resolves against the catalog file that defines the entity
 *   (`backstage.io/managed-by-location`), like `./slos.yaml` next to catalog-info.yaml;
 *   for local `file:` catalog locations (development) it is read from disk, and may
 *   not leave the catalog file's directory.
 * - `gantry.dev/slos: |` the spec itself (YAML) inline in the catalog file.
 */
export class SloSpecLoader {
  private readonly cache = new Map<string, { at: number; text: string }>();

  constructor(
    private readonly deps: { reader: UrlReaderService; now?: () => number },
  ) {}

  /** True when the entity declares SLOs at all. */
  declares(entity: Entity): boolean {
    const a = entity.metadata.annotations ?? {};
    return Boolean(a[ANNOTATIONS.sloSpec] || a[ANNOTATIONS.sloInline]);
  }

  /** The entity's SLOs, or undefined when it declares none. Throws SloSpecError on a bad spec. */
  async load(entity: Entity): Promise<LoadedSpec | undefined> {
    const a = entity.metadata.annotations ?? {};
    const inline = a[ANNOTATIONS.sloInline];
    const ref = a[ANNOTATIONS.sloSpec];
    if (inline && ref) {
      throw new InputError(
        `${stringifyEntityRef(entity)} sets both ${ANNOTATIONS.sloSpec} and ${
          ANNOTATIONS.sloInline
        }; keep one.`,
      );
    }
    if (inline) {
      const source = `annotation ${ANNOTATIONS.sloInline}`;
      return { source, slos: parseSloSpec(inline, source) };
    }
    if (!ref) return undefined;
    const target = this.resolve(entity, ref.trim());
    const text =
      target.kind === 'file'
        ? await this.readLocal(target)
        : await this.read(target.url);
    const source = target.kind === 'file' ? target.shown : target.url;
    return { source, slos: parseSloSpec(text, source) };
  }

  private resolve(
    entity: Entity,
    ref: string,
  ):
    | { kind: 'url'; url: string }
    | { kind: 'file'; path: string; dir: string; shown: string } {
    const target = ref.replace(/^url:/, '');
    if (/^https?:\/\//.test(target)) return { kind: 'url', url: target };
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION] ?? '';
    const base = location.replace(/^(url|file):/, '');
    if (location.startsWith('url:') && /^https?:\/\//.test(base)) {
      return { kind: 'url', url: new URL(target, base).toString() };
    }
    if (location.startsWith('file:')) {
      // Local catalog files (development): only next to or below the catalog file.
      const dir = dirname(base);
      const path = resolvePath(dir, target);
      // Shown relative to the catalog file: the server's own directories are nobody's business.
      const shown = `./${relative(dir, path).split(sep).join('/')}`;
      if (path.startsWith(`${dir}${sep}`))
        return { kind: 'file', path, dir, shown };
    }
    throw new InputError(
      `${ANNOTATIONS.sloSpec} of ${stringifyEntityRef(
        entity,
      )} is ${ref}, which cannot be resolved against the entity's location ${
        location || '(none)'
      }. Use an absolute URL (https://github.com/org/repo/blob/main/slos.yaml), a path next to the catalog file, or put the spec inline in ${
        ANNOTATIONS.sloInline
      }.`,
    );
  }

  /**
   * Reads a spec next to a local catalog file, after resolving symbolic links: a link
   * pointing outside the catalog file's directory is refused without reading it, so a
   * catalog entry cannot make Gantry show the server's files.
   */
  private async readLocal(target: {
    path: string;
    dir: string;
    shown: string;
  }): Promise<string> {
    let real: string;
    let realDir: string;
    try {
      [real, realDir] = await Promise.all([
        realpath(target.path),
        realpath(target.dir),
      ]);
    } catch {
      throw new InputError(
        `Could not read the SLO spec ${target.shown} (${ANNOTATIONS.sloSpec}): no such file next to the catalog file.`,
      );
    }
    if (!real.startsWith(`${realDir}${sep}`))
      throw new InputError(
        `The SLO spec ${target.shown} (${ANNOTATIONS.sloSpec}) is a link to a file outside the catalog file's directory; Gantry reads local specs only next to or below catalog-info.yaml. Copy the spec there.`,
      );
    try {
      return await readFile(real, 'utf8');
    } catch (e) {
      throw new InputError(
        `Could not read the SLO spec ${target.shown} (${
          ANNOTATIONS.sloSpec
        }): ${(e as NodeJS.ErrnoException).code ?? 'read error'}.`,
      );
    }
  }

  private async read(url: string): Promise<string> {
    const now = this.deps.now?.() ?? Date.now();
    const hit = this.cache.get(url);
    if (hit && now - hit.at < CACHE_MS) return hit.text;
    let text: string;
    try {
      const res = await this.deps.reader.readUrl(url);
      text = (await res.buffer()).toString('utf8');
    } catch (e) {
      const err = e as Error;
      throw new InputError(
        `Could not read the SLO spec ${url} (${ANNOTATIONS.sloSpec}): ${err.message}. Check the path, and that an integration or backend.reading.allow covers the host.`,
      );
    }
    this.cache.set(url, { at: now, text });
    return text;
  }
}
