import { InputError } from '@backstage/errors';

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** A release version path segment, e.g. 1.4.2 or 2026.11.26-3. */
export function versionParam(version: string): string {
  if (!VERSION_PATTERN.test(version)) {
    throw new InputError(
      `Invalid release version '${version}': use letters, digits, '.', '_', '+' or '-' (at most 128), e.g. 1.4.2 or 2026.11.26-3.`,
    );
  }
  return version;
}
