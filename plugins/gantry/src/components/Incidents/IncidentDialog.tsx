import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  gantryArgoCdRollbackPermission,
  gantryFlagKillPermission,
  gantryIncidentAcknowledgePermission,
  gantryRolloutAbortPermission,
  type IncidentRemedy,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { ErrorWithRetry } from '../shared/ErrorWithRetry';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { formatDuration } from '../History/format';
import { TraceLink } from '../TraceLink/TraceLink';

const PERMISSIONS = {
  'abort-rollout': gantryRolloutAbortPermission,
  'argocd-rollback': gantryArgoCdRollbackPermission,
  'flag-off': gantryFlagKillPermission,
  acknowledge: gantryIncidentAcknowledgePermission,
};

/** One incident: its suspect release, one-click remedies (each confirmed), alerts with runbooks, and timeline. */
export function IncidentDialog(props: { id: string; onClose: () => void }) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions(PERMISSIONS);
  const { busy, run } = useAlertedAction();
  const [confirm, setConfirm] = useState<IncidentRemedy>();
  const state = useAsyncRetry(
    () => api.getIncident(ref, props.id),
    [api, ref, props.id],
  );
  const incident = state.value;

  const apply = async (remedy: IncidentRemedy) => {
    await run(
      () => api.applyRemedy(ref, props.id, remedy),
      `${remedy.label}: requested.`,
    );
    setConfirm(undefined);
    state.retry();
  };

  return (
    <Dialog open onClose={props.onClose} maxWidth="md" fullWidth>
      <DialogTitle>{incident?.title ?? 'Incident'}</DialogTitle>
      <DialogContent>
        {state.loading && <Progress />}
        {state.error && (
          <ErrorWithRetry
            error={state.error}
            title="Could not load the incident"
            retry={state.retry}
          />
        )}
        {incident && (
          <>
            <Typography variant="body2" gutterBottom>
              {incident.status} · started{' '}
              {new Date(incident.startedAt).toLocaleString()}
              {incident.timeToDetectSeconds !== undefined &&
                ` · detected ${formatDuration(
                  incident.timeToDetectSeconds,
                )} after the release`}
              {incident.timeToRestoreSeconds !== undefined &&
                ` · restored in ${formatDuration(
                  incident.timeToRestoreSeconds,
                )}`}
            </Typography>
            <Typography variant="body2" gutterBottom data-testid="suspect">
              {incident.suspect
                ? `Suspect release: ${incident.suspect.revision
                    .split(',')[0]
                    .slice(0, 7)} deployed to ${
                    incident.suspect.environment
                  } at ${new Date(incident.suspect.startedAt).toLocaleString()}`
                : 'No deployment started shortly before this incident.'}
            </Typography>
            <Typography variant="body2" gutterBottom>
              Owners: {incident.owners.join(', ') || 'none named'}
            </Typography>
            {incident.traceUrl && (
              <Typography variant="body2" gutterBottom>
                <TraceLink
                  url={incident.traceUrl}
                  label="Traces of the incident window"
                />
              </Typography>
            )}
            {incident.errors.map(e => (
              <Alert severity="warning" key={e}>
                {e}
              </Alert>
            ))}
            <Typography variant="subtitle2">Remedies</Typography>
            {incident.remedies.length === 0 && (
              <Typography variant="body2" color="textSecondary">
                {incident.status === 'resolved'
                  ? 'Resolved.'
                  : 'Nothing Gantry can undo from here: no running rollout, earlier revision or recent flag change.'}
              </Typography>
            )}
            <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} my={1}>
              {incident.remedies
                .filter(r => allowed[r.kind])
                .map(r => (
                  <Button
                    key={r.label}
                    variant="outlined"
                    color="secondary"
                    disabled={busy}
                    onClick={() => setConfirm(r)}
                  >
                    {r.label}
                  </Button>
                ))}
            </Box>
            <Typography variant="subtitle2">Alerts</Typography>
            <List dense>
              {incident.alerts.map(a => (
                <ListItem key={`${a.fingerprint}${a.startsAt}`}>
                  <ListItemText
                    primary={`${a.alertname} (${a.status}${
                      a.severity ? `, ${a.severity}` : ''
                    })`}
                    secondary={
                      <>
                        {a.summary}{' '}
                        {a.runbookUrl && <Link to={a.runbookUrl}>runbook</Link>}
                      </>
                    }
                  />
                </ListItem>
              ))}
            </List>
            <Typography variant="subtitle2">Timeline</Typography>
            <List dense>
              {incident.timeline.map((t, i) => (
                <ListItem key={i}>
                  <ListItemText
                    primary={t.text}
                    secondary={`${new Date(t.at).toLocaleString()}${
                      t.actor ? ` · ${t.actor}` : ''
                    }`}
                  />
                </ListItem>
              ))}
            </List>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {incident?.status === 'open' && allowed.acknowledge && (
          <Button
            color="primary"
            disabled={busy}
            onClick={async () => {
              await run(
                () => api.acknowledgeIncident(ref, props.id),
                'Acknowledged: escalation stopped.',
              );
              state.retry();
            }}
          >
            Acknowledge
          </Button>
        )}
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
      {confirm && (
        <Dialog open onClose={() => setConfirm(undefined)}>
          <DialogTitle>{confirm.label}?</DialogTitle>
          <DialogContent>
            <Typography>
              This acts on the live system now, as the same action on the
              Delivery tab would, and is recorded in the audit log.
            </Typography>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
            <Button
              color="secondary"
              disabled={busy}
              onClick={() => apply(confirm)}
            >
              Confirm
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Dialog>
  );
}
