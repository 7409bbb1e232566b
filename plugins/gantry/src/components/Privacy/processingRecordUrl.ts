import { parseEntityRef } from '@backstage/catalog-model';

/** The record of processing activities route: the whole catalog, or one System's. */
export function processingRecordPath(
  systemRef: string | undefined,
  format: 'json' | 'csv',
): string {
  if (!systemRef) return `/privacy/processing-record?format=${format}`;
  const { namespace, name } = parseEntityRef(systemRef);
  return `/entities/${encodeURIComponent(
    namespace,
  )}/system/${encodeURIComponent(name)}/processing-record?format=${format}`;
}
