import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type { Request } from 'express';
import { authorize } from './authorize';
import { entityRefParams } from './entityRefParams';

interface EntityRequest {
  credentials: BackstageCredentials;
  entity: Entity;
  entityRef: string;
}

/**
 * The first step of every entity-scoped route: who is calling, does the entity exist
 * and may the caller see it (catalog read permission), and, for writes, may the caller
 * do this to this entity (a resource permission a policy can decide with isEntityOwner).
 */
export class EntityAccess {
  constructor(
    private readonly deps: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      catalog: CatalogService;
    },
  ) {}

  async resolve(
    req: Request,
    permission?: ResourcePermission,
  ): Promise<EntityRequest> {
    const credentials = await this.deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = stringifyEntityRef(
      entityRefParams(req.params as Record<string, string>),
    );
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${entityRef} in the catalog. Check the namespace, kind and name, or register the entity's catalog-info.yaml first.`,
      );
    }
    if (permission)
      await authorize(
        this.deps.permissions,
        credentials,
        permission,
        entityRef,
      );
    return { credentials, entity, entityRef };
  }
}
