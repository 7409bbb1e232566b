import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  gantryFlagApprovePermission,
  type FlagChangeRequest,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';

type Decision = 'approve' | 'reject' | 'review';

const isOpen = (c: FlagChangeRequest) =>
  c.status === 'pending' || c.reviewStatus === 'pending';

function statusLabel(c: FlagChangeRequest): string {
  if (c.operation === 'kill')
    return c.reviewStatus === 'pending' ? 'killed, review pending' : 'killed';
  if (c.reviewStatus === 'pending') return `${c.status}, review pending`;
  return c.status;
}

function dialogTitle(c: FlagChangeRequest, decision: Decision): string {
  if (decision !== 'review') return `Decide on ${c.key}`;
  return c.operation === 'kill'
    ? `Review kill of ${c.key}`
    : `Review safety change of ${c.key}`;
}

/**
 * Flag changes waiting for four eyes and kill switches waiting for review, then the
 * recent history. The backend refuses the author's own decision; so does this card.
 */
export function FlagChangesCard(props: {
  loading: boolean;
  error?: Error;
  value?: FlagChangeRequest[];
  retry: () => void;
  /** Refreshes the flag list after an approval applied a change. */
  onApplied: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions({
    approve: gantryFlagApprovePermission,
  });
  const { busy, run } = useAlertedAction();
  const [deciding, setDeciding] = useState<{
    change: FlagChangeRequest;
    decision: Decision;
  }>();
  const [comment, setComment] = useState('');

  const submit = async () => {
    if (!deciding) return;
    const { change, decision } = deciding;
    const ok = await run(
      () =>
        decision === 'review'
          ? api.reviewFlagKill(ref, change.id, comment)
          : api.decideFlagChange(
              ref,
              change.id,
              decision,
              comment || undefined,
            ),
      `${change.key}: ${decision === 'review' ? 'reviewed' : `${decision}d`}.`,
    );
    setDeciding(undefined);
    setComment('');
    if (ok) {
      props.retry();
      props.onApplied();
    }
  };

  const columns: TableColumn<FlagChangeRequest>[] = [
    { title: 'Flag', render: c => `${c.key} (${c.target})` },
    { title: 'Environment', field: 'environment' },
    { title: 'Change', field: 'operation' },
    {
      title: 'Status',
      render: c => (
        <Chip
          size="small"
          color={isOpen(c) ? 'secondary' : 'default'}
          label={statusLabel(c)}
        />
      ),
    },
    { title: 'By', field: 'requestedBy' },
    { title: 'Why', field: 'reason' },
    { title: 'When', render: c => new Date(c.createdAt).toLocaleString() },
    {
      title: '',
      render: c =>
        allowed.approve && isOpen(c) ? (
          <Box display="flex" style={{ gap: 4 }}>
            {c.status === 'pending' && (
              <>
                <Button
                  size="small"
                  color="primary"
                  onClick={() =>
                    setDeciding({ change: c, decision: 'approve' })
                  }
                >
                  Approve
                </Button>
                <Button
                  size="small"
                  onClick={() => setDeciding({ change: c, decision: 'reject' })}
                >
                  Reject
                </Button>
              </>
            )}
            {c.reviewStatus === 'pending' && (
              <Button
                size="small"
                color="primary"
                onClick={() => setDeciding({ change: c, decision: 'review' })}
              >
                Review
              </Button>
            )}
          </Box>
        ) : null,
    },
  ];

  return (
    <AsyncCard<FlagChangeRequest[]>
      title="Flag changes and approvals"
      {...props}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No flag changes yet',
        description:
          'Changes in approval environments wait here for another owner; kill switches wait for a review.',
      }}
    >
      {items => (
        <>
          <DenseTable<FlagChangeRequest>
            columns={columns}
            data={[...items.filter(isOpen), ...items.filter(c => !isOpen(c))]}
          />
          <Dialog
            open={Boolean(deciding)}
            onClose={() => setDeciding(undefined)}
          >
            <DialogTitle>
              {deciding && dialogTitle(deciding.change, deciding.decision)}
            </DialogTitle>
            <DialogContent>
              <TextField
                id="gantry-flag-change-comment"
                label="Comment"
                fullWidth
                multiline
                required={deciding?.decision !== 'approve'}
                value={comment}
                onChange={e => setComment(e.target.value)}
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setDeciding(undefined)}>Cancel</Button>
              <Button
                color="primary"
                variant="contained"
                disabled={
                  busy || (deciding?.decision !== 'approve' && !comment.trim())
                }
                onClick={submit}
              >
                {deciding?.decision === 'review'
                  ? 'Mark reviewed'
                  : deciding?.decision}
              </Button>
            </DialogActions>
          </Dialog>
        </>
      )}
    </AsyncCard>
  );
}
