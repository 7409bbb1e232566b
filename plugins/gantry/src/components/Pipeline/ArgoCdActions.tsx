import { useApi } from '@backstage/core-plugin-api';
import {
  gantryArgoCdRefreshPermission,
  gantryArgoCdRollbackPermission,
  gantryArgoCdSyncPermission,
  type ApplicationView,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';

const PERMISSIONS = {
  sync: gantryArgoCdSyncPermission,
  refresh: gantryArgoCdRefreshPermission,
  rollback: gantryArgoCdRollbackPermission,
};

type Pending = {
  action: 'sync' | 'refresh' | 'rollback';
  historyId?: number;
  text: string;
};

/** Sync, refresh and roll back to the previous deployment, each shown only when permitted. */
export function ArgoCdActions({
  app,
  onDone,
}: {
  app: ApplicationView;
  onDone: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions(PERMISSIONS);
  const { busy, run: alerted } = useAlertedAction();
  const [pending, setPending] = useState<Pending>();
  const previous = app.history[1];
  const canSync = allowed.sync;
  const canRefresh = allowed.refresh;
  const canRollback = allowed.rollback;

  const run = async (p: Pending) => {
    const ok = await alerted(
      () => api.argocdAction(ref, app, p.action, p.historyId),
      `${app.name}: ${p.action} requested.`,
    );
    setPending(undefined);
    if (ok) onDone();
  };

  if (!canSync && !canRefresh && !(canRollback && previous)) return null;
  return (
    <Box display="flex" style={{ gap: 8 }} mt={1} flexWrap="wrap">
      {canRefresh && (
        <Button
          size="small"
          onClick={() => run({ action: 'refresh', text: '' })}
        >
          Refresh
        </Button>
      )}
      {canSync && (
        <Button
          size="small"
          variant="outlined"
          onClick={() =>
            setPending({
              action: 'sync',
              text: `applies what Git holds for ${app.name} now.`,
            })
          }
        >
          Sync
        </Button>
      )}
      {canRollback && previous && (
        <Button
          size="small"
          variant="outlined"
          onClick={() =>
            setPending({
              action: 'rollback',
              historyId: previous.id,
              text: `returns ${app.name} to deployment #${
                previous.id
              } (${previous.revisions
                .map(r => r.slice(0, 8))
                .join(', ')}); automated sync stops until someone syncs again.`,
            })
          }
        >
          Roll back to #{previous.id}
        </Button>
      )}
      <Dialog open={Boolean(pending)} onClose={() => setPending(undefined)}>
        <DialogTitle>
          {pending?.action === 'sync' ? 'Sync' : 'Roll back'}?
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2">This {pending?.text}</Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setPending(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy}
            onClick={() => pending && run(pending)}
          >
            Confirm
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
