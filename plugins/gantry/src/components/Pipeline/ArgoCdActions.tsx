import { useApi } from '@backstage/core-plugin-api';
import {
  gantryArgoCdRefreshPermission,
  gantryArgoCdRollbackPermission,
  gantryArgoCdSyncPermission,
  type ApplicationView,
  type ArgoCdActionBody,
  type AutomatedSyncPolicy,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api/GantryApi';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { RollbackMigrationWarning } from './RollbackMigrationWarning';

const PERMISSIONS = {
  sync: gantryArgoCdSyncPermission,
  refresh: gantryArgoCdRefreshPermission,
  rollback: gantryArgoCdRollbackPermission,
};

type Pending = {
  action: 'sync' | 'rollback';
  historyId?: number;
  text: string;
};

const describePolicy = (p: AutomatedSyncPolicy) =>
  [p.prune && 'prune', p.selfHeal && 'self-heal'].filter(Boolean).join(', ');

/**
 * Sync, refresh and roll back to the previous deployment, each shown only when permitted.
 * A rollback of an auto-synced app turns automated sync off first (Argo CD refuses
 * otherwise); the card then offers to turn it back on with the policy it had. A rollback
 * past a release whose migration is forward-only names the plan and is confirmed only
 * once the user acknowledges that the schema stays.
 */
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
  const [emergency, setEmergency] = useState('');
  const [autoSyncOff, setAutoSyncOff] = useState<AutomatedSyncPolicy>();
  const [acknowledged, setAcknowledged] = useState(false);
  const rollbackId =
    pending?.action === 'rollback' ? pending.historyId : undefined;
  const migrations = useAsync(async () => {
    if (rollbackId === undefined) return undefined;
    return api.argocdRollbackCheck(ref, app, rollbackId);
  }, [rollbackId, app.instance, app.name]);
  const needsAcknowledgement = Boolean(
    rollbackId !== undefined && migrations.value?.irreversible.length,
  );
  const previous = app.history[1];
  const canSync = allowed.sync;
  const canRefresh = allowed.refresh;
  const canRollback = allowed.rollback;

  const close = () => {
    setPending(undefined);
    setEmergency('');
    setAcknowledged(false);
  };

  const run = async (p: Pending) => {
    const body: ArgoCdActionBody = {
      ...(p.historyId !== undefined ? { id: p.historyId } : {}),
      ...(emergency.trim() ? { emergency: { reason: emergency.trim() } } : {}),
      ...(needsAcknowledgement && acknowledged
        ? { acknowledgeIrreversibleMigration: true }
        : {}),
    };
    let disabled: AutomatedSyncPolicy | undefined;
    const ok = await alerted(async () => {
      const result = await api.argocdAction(ref, app, p.action, body);
      disabled = result.autoSyncDisabled?.previous;
    }, `${app.name}: ${p.action} requested.`);
    close();
    if (disabled) setAutoSyncOff(disabled);
    if (ok) onDone();
  };

  const enableAutoSync = async (automated: AutomatedSyncPolicy) => {
    const ok = await alerted(
      () => api.argocdAction(ref, app, 'enable-auto-sync', { automated }),
      `${app.name}: automated sync is on again.`,
    );
    if (ok) {
      setAutoSyncOff(undefined);
      onDone();
    }
  };

  const rollbackText = (id: number, revisions: string[]) =>
    `returns ${app.name} to deployment #${id} (${revisions
      .map(r => r.slice(0, 8))
      .join(', ')}). ${
      app.automatedSync
        ? `${app.name} syncs automatically, and Argo CD refuses to roll back such an app, so Gantry first turns automated sync off (recorded in the audit log). It stays off, also after a manual sync, until someone turns it back on here.`
        : `Automated sync is off for ${app.name}, so the rolled-back state stays until someone syncs.`
    }`;

  if (!canSync && !canRefresh && !(canRollback && previous)) return null;
  return (
    <Box mt={1}>
      {autoSyncOff && (
        <Alert
          severity="warning"
          action={
            canSync && (
              <Button
                size="small"
                disabled={busy}
                onClick={() => enableAutoSync(autoSyncOff)}
              >
                Turn automated sync on
              </Button>
            )
          }
        >
          Automated sync of {app.name} is off since the rollback (it was on
          {describePolicy(autoSyncOff)
            ? ` with ${describePolicy(autoSyncOff)}`
            : ''}
          ). Turning it on syncs what Git holds, through the same gate as a
          sync.
        </Alert>
      )}
      <Box display="flex" style={{ gap: 8 }} mt={1} flexWrap="wrap">
        {canRefresh && (
          <Button
            size="small"
            onClick={() =>
              alerted(
                () => api.argocdAction(ref, app, 'refresh'),
                `${app.name}: refresh requested.`,
              ).then(ok => ok && onDone())
            }
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
                text: rollbackText(previous.id, previous.revisions),
              })
            }
          >
            Roll back to #{previous.id}
          </Button>
        )}
      </Box>
      <Dialog open={Boolean(pending)} onClose={close}>
        <DialogTitle>
          {pending?.action === 'sync' ? 'Sync' : 'Roll back'}?
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2">This {pending?.text}</Typography>
          {rollbackId !== undefined && (
            <RollbackMigrationWarning
              check={migrations}
              acknowledged={acknowledged}
              onAcknowledge={setAcknowledged}
            />
          )}
          <Typography variant="body2" color="textSecondary">
            In production the release this deploys must pass its gate.
          </Typography>
          <TextField
            id={`argocd-emergency-${app.instance}-${app.name}`}
            fullWidth
            margin="dense"
            label="Emergency reason (optional)"
            helperText="Only with an emergency promotion request for the release; it lets a failing gate through and is reviewed afterwards."
            value={emergency}
            onChange={ev => setEmergency(ev.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || (needsAcknowledgement && !acknowledged)}
            onClick={() => pending && run(pending)}
          >
            Confirm
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
