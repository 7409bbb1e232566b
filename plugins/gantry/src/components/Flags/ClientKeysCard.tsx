import { CodeSnippet, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  gantryFlagKeysManagePermission,
  type FlagClientKey,
  type FlagClientKeyWithSecret,
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
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { SelectField } from '../shared/SelectField';

/** Keys applications read flags with: created, rotated, revoked; the secret shows once. */
export function ClientKeysCard(props: {
  environments: string[];
  loading: boolean;
  error?: Error;
  value?: FlagClientKey[];
  retry: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions({
    manage: gantryFlagKeysManagePermission,
  });
  const { busy, run } = useAlertedAction();
  const [creating, setCreating] = useState(false);
  const [environment, setEnvironment] = useState(props.environments[0]);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<FlagClientKeyWithSecret>();
  const [revoking, setRevoking] = useState<FlagClientKey>();

  const create = () =>
    run(async () => {
      setSecret(await api.createFlagClientKey(ref, environment, name));
      setCreating(false);
      setName('');
      props.retry();
    }, 'Client key created.');
  const rotate = (k: FlagClientKey) =>
    run(async () => {
      setSecret(await api.rotateFlagClientKey(ref, k.id));
      props.retry();
    }, `${k.name}: new secret issued; the old one no longer works.`);
  const revoke = async () => {
    const k = revoking!;
    const ok = await run(
      () => api.revokeFlagClientKey(ref, k.id),
      `${k.name} revoked.`,
    );
    setRevoking(undefined);
    if (ok) props.retry();
  };

  const columns: TableColumn<FlagClientKey>[] = [
    { title: 'Name', field: 'name' },
    { title: 'Environment', field: 'environment' },
    { title: 'Key', render: k => `${k.prefix}…` },
    { title: 'Created', render: k => new Date(k.createdAt).toLocaleString() },
    {
      title: 'Last used',
      render: k =>
        k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never',
    },
    {
      title: '',
      render: k =>
        k.revokedAt
          ? `revoked ${new Date(k.revokedAt).toLocaleDateString()}`
          : allowed.manage && (
              <Box display="flex" style={{ gap: 4 }}>
                <Button size="small" disabled={busy} onClick={() => rotate(k)}>
                  Rotate
                </Button>
                <Button
                  size="small"
                  color="secondary"
                  onClick={() => setRevoking(k)}
                >
                  Revoke
                </Button>
              </Box>
            ),
    },
  ];

  return (
    <>
      <AsyncCard<FlagClientKey[]>
        title="Client keys"
        {...props}
        action={
          allowed.manage && (
            <Button
              color="primary"
              variant="outlined"
              onClick={() => setCreating(true)}
            >
              New key
            </Button>
          )
        }
        isEmpty={v => v.length === 0}
        empty={{
          title: 'No client keys',
          description:
            'Applications read flags with a key of their environment, via OFREP or a flagd sync source.',
        }}
      >
        {items => <DenseTable<FlagClientKey> columns={columns} data={items} />}
      </AsyncCard>
      <Dialog open={creating} onClose={() => setCreating(false)}>
        <DialogTitle>New client key</DialogTitle>
        <DialogContent>
          <SelectField
            id="gantry-flag-key-environment"
            label="Environment"
            fullWidth
            value={environment}
            onChange={e => setEnvironment(e.target.value)}
            options={props.environments}
          />
          <TextField
            id="gantry-flag-key-name"
            label="Application"
            fullWidth
            value={name}
            onChange={e => setName(e.target.value)}
            helperText="Who uses the key, e.g. checkout-web"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setCreating(false)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || name.trim().length < 2}
            onClick={create}
          >
            Create
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={Boolean(secret)} onClose={() => setSecret(undefined)}>
        <DialogTitle>Copy the key now</DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            Gantry keeps only a hash; this is the only time the secret of{' '}
            {secret?.name} ({secret?.environment}) is shown.
          </Typography>
          <CodeSnippet
            language="text"
            text={secret?.secret ?? ''}
            showCopyCodeButton
          />
        </DialogContent>
        <DialogActions>
          <Button color="primary" onClick={() => setSecret(undefined)}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={Boolean(revoking)} onClose={() => setRevoking(undefined)}>
        <DialogTitle>Revoke {revoking?.name}?</DialogTitle>
        <DialogContent>
          <Typography variant="body2">
            Applications using {revoking?.prefix}… get 403 from now on.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRevoking(undefined)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            disabled={busy}
            onClick={revoke}
          >
            Revoke
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
