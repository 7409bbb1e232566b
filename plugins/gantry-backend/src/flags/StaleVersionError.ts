import type { FeatureFlag, FlagSegment } from '@gantry/plugin-gantry-common';

/** An edit made on an older version; the router answers 412 with `current` in the body. */
export class StaleVersionError extends Error {
  readonly name = 'PreconditionFailedError';

  constructor(
    message: string,
    readonly current: FeatureFlag | FlagSegment | null,
  ) {
    super(message);
  }
}
