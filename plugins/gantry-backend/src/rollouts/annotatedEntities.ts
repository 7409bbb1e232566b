import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';

const PAGE = 500;

/**
 * Every entity with a Kubernetes id or label selector that `credentials` may see (owned
 * by one of `owners` when given), page by page: no cap, nothing left out.
 */
export async function annotatedEntities(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  opts: { owners?: string[]; fields?: string[] } = {},
): Promise<Entity[]> {
  const filter = [
    ANNOTATIONS.kubernetesId,
    ANNOTATIONS.kubernetesLabelSelector,
  ].map(a => ({
    [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
    ...(opts.owners ? { 'relations.ownedBy': opts.owners } : {}),
  }));
  const out: Entity[] = [];
  let page = await catalog.queryEntities(
    {
      filter,
      limit: PAGE,
      fields: opts.fields,
      orderFields: { field: 'metadata.name', order: 'asc' },
    },
    { credentials },
  );
  out.push(...page.items);
  while (page.pageInfo.nextCursor) {
    page = await catalog.queryEntities(
      { cursor: page.pageInfo.nextCursor, limit: PAGE, fields: opts.fields },
      { credentials },
    );
    out.push(...page.items);
  }
  return out;
}
