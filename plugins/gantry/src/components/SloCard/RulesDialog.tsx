import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Tab,
  Tabs,
} from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { ErrorWithRetry } from '../shared/ErrorWithRetry';
import { useEntityRef } from '../shared/useEntityRef';
import { Snippet } from '../shared/Snippet';

type Format = 'rules' | 'prometheusrule';

function RulesView(props: { format: Format }) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getSloRules(ref, props.format),
    [api, ref, props.format],
  );
  if (loading) return <Progress />;
  if (error)
    return (
      <ErrorWithRetry
        error={error}
        title="Could not generate the rules"
        retry={retry}
      />
    );
  return (
    <Snippet
      text={value ?? ''}
      language="yaml"
      customStyle={{ maxHeight: 480, overflow: 'auto' }}
    />
  );
}

/** The Sloth-compatible Prometheus rules generated from the SLO spec, to copy into GitOps. */
export function RulesDialog() {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<Format>('rules');
  return (
    <>
      <Button size="small" variant="outlined" onClick={() => setOpen(true)}>
        Generated rules
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        maxWidth="md"
        fullWidth
      >
        <DialogTitle>Generated Prometheus rules</DialogTitle>
        <DialogContent>
          <Tabs
            value={format}
            onChange={(_, v) => setFormat(v)}
            indicatorColor="primary"
          >
            <Tab value="rules" label="Rules file" />
            <Tab value="prometheusrule" label="PrometheusRule" />
          </Tabs>
          {open && <RulesView format={format} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
