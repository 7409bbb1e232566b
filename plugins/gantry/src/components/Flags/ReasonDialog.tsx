import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { useEffect, useState, type ReactNode } from 'react';

/** A confirmation that asks why; the reason goes into the audit log with the change. */
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (props.open) setReason('');
  }, [props.open]);
  return (
    <Dialog open={props.open} onClose={props.onCancel}>
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          {props.children}
        </Typography>
        <TextField
          id="gantry-flag-reason-confirm"
          label="Why"
          required
          fullWidth
          value={reason}
          onChange={e => setReason(e.target.value)}
          helperText="Recorded in the audit log, e.g. checkout errors after the rollout"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color={props.danger ? 'secondary' : 'primary'}
          variant="contained"
          disabled={props.busy || reason.trim().length < 3}
          onClick={() => props.onConfirm(reason)}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
