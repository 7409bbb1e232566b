import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useMemo } from 'react';

/** The current entity's ref, stable across renders so effects do not refire. */
export function useEntityRef() {
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => ref, [ref.kind, ref.namespace, ref.name]);
}
