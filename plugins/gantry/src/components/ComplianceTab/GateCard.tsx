import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { GateVerdict } from '@gantry/plugin-gantry-common';
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
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useAlertedAction } from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';

function RuleStatus({ status }: { status: string }) {
  if (status === 'pass') return <StatusOK>pass</StatusOK>;
  if (status === 'fail') return <StatusError>fail</StatusError>;
  if (status === 'pending') return <StatusPending>pending</StatusPending>;
  return <StatusPending>n/a</StatusPending>;
}

function RequestPromotion(props: {
  version: string;
  environment: string;
  onDone: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, run: alerted } = useAlertedAction();
  const submit = async () => {
    const ok = await alerted(
      () =>
        api.requestPromotion(ref, props.version, {
          environment: props.environment,
          reason,
        }),
      `Promotion of ${props.version} into ${props.environment} requested; approvers were notified.`,
    );
    if (ok) {
      setOpen(false);
      props.onDone();
    }
  };

  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        onClick={() => setOpen(true)}
      >
        Request promotion to {props.environment}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="sm"
      >
        <DialogTitle>
          Promote {props.version} to {props.environment}
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            Members of the owning group (or the configured approver groups)
            other than you will be asked to approve.
          </Typography>
          <TextField
            id="gantry-promotion-reason"
            label="What does this release change?"
            value={reason}
            onChange={e => setReason(e.target.value)}
            fullWidth
            multiline
            minRows={2}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || reason.trim().length < 5}
            onClick={submit}
          >
            Request approval
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** Gate verdict per environment for one release, with one reason per rule. */
export function GateCard(props: {
  version?: string;
  environments: string[];
  approvalEnvironments: string[];
  onChange: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const { version, environments } = props;
  const state = useAsyncRetry(async () => {
    if (!version) return undefined;
    return Promise.all(environments.map(env => api.getGate(ref, version, env)));
  }, [api, ref, version, environments.join()]);
  return (
    <AsyncCard<GateVerdict[]>
      title="Quality gates"
      subheader={version ? `Release ${version}` : undefined}
      {...state}
      empty={{
        title: 'No release to evaluate',
        description:
          'Gates are evaluated once CI uploads evidence for a release.',
      }}
    >
      {verdicts => (
        <>
          {verdicts.map(v => (
            <Box key={v.environment} mb={2}>
              <Box
                display="flex"
                alignItems="center"
                justifyContent="space-between"
              >
                <Typography variant="subtitle1">
                  {v.environment}:{' '}
                  {v.verdict === 'pass' ? (
                    <StatusOK>pass</StatusOK>
                  ) : (
                    <StatusError>fail</StatusError>
                  )}
                  <Typography
                    variant="caption"
                    component="span"
                    color="textSecondary"
                  >
                    {' '}
                    policy {v.policy}
                  </Typography>
                </Typography>
                {props.approvalEnvironments.includes(v.environment) &&
                  v.rules.some(
                    r => r.rule === 'approvals' && r.status === 'fail',
                  ) && (
                    <RequestPromotion
                      version={v.version}
                      environment={v.environment}
                      onDone={() => {
                        state.retry();
                        props.onChange();
                      }}
                    />
                  )}
              </Box>
              {v.rules.map(r => (
                <Box
                  key={r.rule}
                  display="flex"
                  alignItems="baseline"
                  ml={2}
                  data-testid={`gate-${v.environment}-${r.rule}`}
                >
                  <Box width={110} flexShrink={0}>
                    <RuleStatus status={r.status} />
                  </Box>
                  <Typography
                    variant="body2"
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    <strong>{r.rule}</strong>: {r.reason}
                  </Typography>
                </Box>
              ))}
            </Box>
          ))}
        </>
      )}
    </AsyncCard>
  );
}
