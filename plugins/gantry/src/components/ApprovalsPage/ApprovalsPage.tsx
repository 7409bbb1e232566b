import { Content, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { PromotionRequest } from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useAlertedAction } from '../shared/useEntityActions';
import { DenseTable } from '../shared/DenseTable';
import { FlagChangesCard } from './FlagChangesCard';

type Action = {
  request: PromotionRequest;
  kind: 'approve' | 'reject' | 'review';
};

/** What awaits the signed-in user: promotions to approve and emergency changes to review. */
export function ApprovalsPage() {
  const api = useApi(gantryApiRef);
  const state = useAsyncRetry(() => api.listAwaitingApprovals(), [api]);
  const [action, setAction] = useState<Action>();
  const [comment, setComment] = useState('');
  const { busy, run: alerted } = useAlertedAction();

  const submit = async () => {
    if (!action) return;
    const { request, kind } = action;
    const done = {
      approve: 'Approved',
      reject: 'Rejected',
      review: 'Reviewed',
    }[kind];
    const ok = await alerted(
      () =>
        kind === 'review'
          ? api.review(request.id, comment)
          : api.decide(request.id, kind, comment || undefined),
      `${done} ${request.entityRef} ${request.version} into ${request.environment}.`,
    );
    if (ok) {
      setAction(undefined);
      setComment('');
      state.retry();
    }
  };

  const columns: TableColumn<PromotionRequest>[] = [
    { title: 'Entity', render: p => <EntityRefLink entityRef={p.entityRef} /> },
    { title: 'Release', field: 'version' },
    { title: 'Into', field: 'environment' },
    {
      title: 'Requested by',
      render: p => <EntityRefLink entityRef={p.requestedBy} />,
    },
    { title: 'Reason', field: 'reason' },
    {
      title: 'State',
      render: p =>
        p.emergency ? (
          <Chip
            size="small"
            color="secondary"
            label="emergency: needs review"
          />
        ) : (
          <>
            <Chip
              size="small"
              label={`${
                p.decisions.filter(d => d.decision === 'approve').length
              } of ${p.requiredApprovals} approvals`}
            />
            <Typography variant="caption" display="block" color="textSecondary">
              expires {new Date(p.expiresAt).toLocaleString()}
            </Typography>
          </>
        ),
    },
    {
      title: 'Decide',
      render: p =>
        p.emergency ? (
          <Button
            size="small"
            variant="outlined"
            onClick={() => setAction({ request: p, kind: 'review' })}
          >
            Review
          </Button>
        ) : (
          <>
            <Button
              size="small"
              color="primary"
              variant="contained"
              onClick={() => setAction({ request: p, kind: 'approve' })}
            >
              Approve
            </Button>{' '}
            <Button
              size="small"
              variant="outlined"
              onClick={() => setAction({ request: p, kind: 'reject' })}
            >
              Reject
            </Button>
          </>
        ),
    },
  ];

  const needsComment = action?.kind !== 'approve';
  return (
    <Content>
      <AsyncCard<PromotionRequest[]>
        title="Awaiting your decision"
        subheader="Promotions into environments that need approval, for entities whose owning or approver group you belong to"
        {...state}
        isEmpty={v => v.length === 0}
        empty={{
          title: 'Nothing awaits your approval',
          description:
            'Requests you may decide appear here; you are notified when one arrives.',
        }}
      >
        {items => (
          <DenseTable<PromotionRequest> columns={columns} data={items} />
        )}
      </AsyncCard>
      <Box mt={3}>
        <FlagChangesCard />
      </Box>
      <Dialog
        open={Boolean(action)}
        onClose={() => setAction(undefined)}
        fullWidth
        maxWidth="sm"
      >
        <DialogTitle>
          {action?.kind === 'approve' && 'Approve'}
          {action?.kind === 'reject' && 'Reject'}
          {action?.kind === 'review' && 'Review emergency change'}:{' '}
          {action?.request.entityRef} {action?.request.version} into{' '}
          {action?.request.environment}
        </DialogTitle>
        <DialogContent>
          <TextField
            id="gantry-decision-comment"
            label={needsComment ? 'Comment (required)' : 'Comment (optional)'}
            value={comment}
            onChange={e => setComment(e.target.value)}
            fullWidth
            multiline
            minRows={2}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setAction(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || (needsComment && !comment.trim())}
            onClick={submit}
          >
            Confirm
          </Button>
        </DialogActions>
      </Dialog>
    </Content>
  );
}
