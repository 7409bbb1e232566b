import { InputError } from '@backstage/errors';

/** A spec that cannot be used; `problems` each name the file, the SLO and the field. */
export class SloSpecError extends InputError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} problems in the SLO spec:\n- ${problems.join(
            '\n- ',
          )}`,
    );
  }
}
