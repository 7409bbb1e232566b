import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useEntityRef } from './useEntityRef';

/**
 * Which of `permissions` the signed-in user holds on the current entity, asked in one
 * batch; everything reads as denied until the answer arrives.
 */
export function useEntityPermissions<K extends string>(
  permissions: Record<K, ResourcePermission>,
): Record<K, boolean> {
  const permissionApi = useApi(permissionApiRef);
  const resourceRef = stringifyEntityRef(useEntityRef());
  const keys = Object.keys(permissions) as K[];
  const { value } = useAsync(
    () =>
      Promise.all(
        keys.map(k =>
          permissionApi.authorize({ permission: permissions[k], resourceRef }),
        ),
      ),
    [permissionApi, resourceRef, keys.join()],
  );
  return Object.fromEntries(
    keys.map((k, i) => [k, value?.[i]?.result === AuthorizeResult.ALLOW]),
  ) as Record<K, boolean>;
}

/** Runs a change, tells the user how it went, and keeps buttons disabled while it runs. */
export function useAlertedAction() {
  const alerts = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const run = async (
    change: () => Promise<unknown>,
    success: string,
  ): Promise<boolean> => {
    setBusy(true);
    try {
      await change();
      alerts.post({
        message: success,
        severity: 'success',
        display: 'transient',
      });
      return true;
    } catch (e) {
      alerts.post({ message: (e as Error).message, severity: 'error' });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
