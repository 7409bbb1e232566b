import type { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Reads :namespace/:kind/:name route params into an entity ref, rejecting malformed parts. */
export function entityRefParams(
  params: Record<string, string>,
): CompoundEntityRef {
  const { namespace, kind, name } = params;
  for (const [label, value] of Object.entries({ namespace, kind, name })) {
    if (!value || !PART.test(value)) {
      throw new InputError(
        `Invalid entity ${label} '${
          value ?? ''
        }': use letters, digits, '.', '_' or '-' (at most 63 characters), as in /entities/default/component/checkout.`,
      );
    }
  }
  return {
    namespace: namespace.toLocaleLowerCase('en-US'),
    kind: kind.toLocaleLowerCase('en-US'),
    name: name.toLocaleLowerCase('en-US'),
  };
}
