import { useApi } from '@backstage/core-plugin-api';
import type { FeatureFlag, FlagExperiment } from '@gantry/plugin-gantry-common';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  TextField,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useEffect, useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { useEntityRef } from '../shared/useEntityRef';
import { SelectField } from '../shared/SelectField';

type Draft = {
  conversionEvent: string;
  controlVariant: string;
  mdePoints: string;
  baselinePercent: string;
  alpha: string;
  power: string;
};

function draftOf(flag: FeatureFlag, e?: FlagExperiment): Draft {
  return {
    conversionEvent: e?.conversionEvent ?? '',
    controlVariant:
      e?.controlVariant ??
      flag.definition.defaultVariant ??
      Object.keys(flag.definition.variants)[0],
    mdePoints: String((e?.minimumDetectableEffect ?? 0.02) * 100),
    baselinePercent:
      e?.baselineRate !== undefined ? String(e.baselineRate * 100) : '',
    alpha: String(e?.alpha ?? 0.05),
    power: String(e?.power ?? 0.8),
  };
}

/** Sets what counts as a conversion and when a winner may be declared. */
export function ExperimentConfigDialog(props: {
  open: boolean;
  flag: FeatureFlag;
  experiment?: FlagExperiment;
  onClose: () => void;
  onSaved: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const { flag, experiment, open } = props;
  const [draft, setDraft] = useState(() => draftOf(flag, experiment));
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setDraft(draftOf(flag, experiment));
      setProblem(undefined);
    }
  }, [open, flag, experiment]);
  const field = (k: keyof Draft) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft({ ...draft, [k]: e.target.value }),
  });

  const save = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.configureFlagExperiment(ref, flag.environment, flag.key, {
        conversionEvent: draft.conversionEvent.trim(),
        controlVariant: draft.controlVariant,
        minimumDetectableEffect: Number(draft.mdePoints) / 100,
        ...(draft.baselinePercent.trim()
          ? { baselineRate: Number(draft.baselinePercent) / 100 }
          : {}),
        alpha: Number(draft.alpha),
        power: Number(draft.power),
      });
      props.onSaved();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        Experiment on {flag.key} ({flag.environment})
      </DialogTitle>
      <DialogContent>
        {problem && <Alert severity="error">{problem}</Alert>}
        <Grid container spacing={2}>
          <Grid item xs={12} sm={6}>
            <TextField
              id="gantry-experiment-event"
              label="Conversion event"
              required
              fullWidth
              helperText="The tracking event name, e.g. checkout_completed"
              {...field('conversionEvent')}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            <SelectField
              id="gantry-experiment-control"
              label="Control variant"
              fullWidth
              {...field('controlVariant')}
              options={Object.keys(flag.definition.variants)}
            />
          </Grid>
          <Grid item xs={6} sm={3}>
            <TextField
              id="gantry-experiment-mde"
              label="Min. effect (pts)"
              type="number"
              fullWidth
              helperText="Absolute, in percentage points"
              {...field('mdePoints')}
            />
          </Grid>
          <Grid item xs={6} sm={3}>
            <TextField
              id="gantry-experiment-baseline"
              label="Baseline rate (%)"
              type="number"
              fullWidth
              helperText="Empty: observed"
              {...field('baselinePercent')}
            />
          </Grid>
          <Grid item xs={6} sm={3}>
            <TextField
              id="gantry-experiment-alpha"
              label="Alpha"
              type="number"
              fullWidth
              {...field('alpha')}
            />
          </Grid>
          <Grid item xs={6} sm={3}>
            <TextField
              id="gantry-experiment-power"
              label="Power"
              type="number"
              fullWidth
              {...field('power')}
            />
          </Grid>
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !draft.conversionEvent.trim()}
          onClick={save}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
