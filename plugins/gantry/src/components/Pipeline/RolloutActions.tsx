import { useApi } from '@backstage/core-plugin-api';
import {
  gantryRolloutAbortPermission,
  gantryRolloutPromoteFullPermission,
  gantryRolloutPromotePermission,
  gantryRolloutRetryPermission,
  type RolloutView,
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

type Action = 'promote' | 'promote-full' | 'abort' | 'retry';

const LABEL: Record<Action, string> = {
  promote: 'Promote',
  'promote-full': 'Promote fully',
  abort: 'Abort',
  retry: 'Retry',
};
const EXPLAIN: Record<Action, string> = {
  promote: 'moves the canary to its next step.',
  'promote-full':
    'skips the remaining steps and analyses and sends all traffic to the new version.',
  abort: 'sends all traffic back to the stable version.',
  retry: 'starts the aborted rollout again from its first step.',
};

const PERMISSIONS = {
  promote: gantryRolloutPromotePermission,
  'promote-full': gantryRolloutPromoteFullPermission,
  abort: gantryRolloutAbortPermission,
  retry: gantryRolloutRetryPermission,
};

/** Which actions make sense now, as the Argo Rollouts CLI and Argo CD decide it. */
function available(r: RolloutView): Action[] {
  if (r.aborted) return ['retry'];
  if (r.fullyPromoted) return [];
  return [
    ...(r.paused ? (['promote'] as Action[]) : []),
    'promote-full',
    'abort',
  ];
}

/** Action buttons, each shown only when the policy allows it, with a confirmation. */
export function RolloutActions({
  rollout,
  onDone,
}: {
  rollout: RolloutView;
  onDone: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions(PERMISSIONS);
  const { busy, run: alerted } = useAlertedAction();
  const [confirm, setConfirm] = useState<Action>();
  const actions = available(rollout).filter(a => allowed[a]);
  if (actions.length === 0) return null;

  const run = async () => {
    if (!confirm) return;
    const ok = await alerted(
      () => api.rolloutAction(ref, rollout, confirm),
      `${LABEL[confirm]}: ${rollout.namespace}/${rollout.name} done.`,
    );
    setConfirm(undefined);
    if (ok) onDone();
  };

  return (
    <Box display="flex" style={{ gap: 8 }} mt={1}>
      {actions.map(a => (
        <Button
          key={a}
          size="small"
          variant={a === 'promote' ? 'contained' : 'outlined'}
          color={a === 'abort' ? 'secondary' : 'primary'}
          onClick={() => setConfirm(a)}
        >
          {LABEL[a]}
        </Button>
      ))}
      <Dialog open={Boolean(confirm)} onClose={() => setConfirm(undefined)}>
        <DialogTitle>
          {confirm && LABEL[confirm]} {rollout.name}?
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2">
            {rollout.namespace}/{rollout.name} in {rollout.cluster}:{' '}
            {confirm && EXPLAIN[confirm]}
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirm(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy}
            onClick={run}
          >
            {confirm && LABEL[confirm]}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
