import { CodeSnippet, type TableColumn } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  gantryFlagUpdatePermission,
  type FlagSegment,
} from '@gantry/plugin-gantry-common';
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
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { useEntityPermissions } from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { SelectField } from '../shared/SelectField';
import {
  editProblemsOf,
  fieldErrorsOf,
  revealFirst,
  type FieldErrors,
} from './editProblems';

const EXAMPLE_RULE = { in: [{ var: 'plan' }, ['enterprise']] };

/**
 * Named targeting rules (flagd `$evaluators`) that flags reference as
 * {"$ref": "name"}; changing one changes every flag that uses it.
 */
export function SegmentsCard(props: {
  environments: string[];
  loading: boolean;
  error?: Error;
  value?: FlagSegment[];
  retry: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions({ update: gantryFlagUpdatePermission });
  const alerts = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [editing, setEditing] = useState<{ segment?: FlagSegment }>();
  const [environment, setEnvironment] = useState(props.environments[0]);
  const [name, setName] = useState('');
  const [rule, setRule] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();

  const open = (segment?: FlagSegment) => {
    setEditing({ segment });
    setEnvironment(segment?.environment ?? props.environments[0]);
    setName(segment?.name ?? '');
    setRule(JSON.stringify(segment?.rule ?? EXAMPLE_RULE, null, 2));
    setReason('');
    setProblem(undefined);
    setFieldErrors({});
  };

  const save = async () => {
    setProblem(undefined);
    setFieldErrors({});
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(rule);
    } catch (e) {
      setFieldErrors({ rule: [`not valid JSON: ${(e as Error).message}`] });
      return;
    }
    setBusy(true);
    try {
      const result = await api.saveFlagSegment(ref, environment, name, {
        segment: { rule: parsed },
        baseVersion: editing?.segment?.version ?? null,
        reason,
      });
      if (result.status === 'stale') {
        setProblem(result.message);
        return;
      }
      alerts.post({
        message:
          result.status === 'pending'
            ? `Segment ${name} waits for approval by another owner.`
            : `Segment ${name} saved.`,
        severity: 'success',
        display: 'transient',
      });
      setEditing(undefined);
      props.retry();
    } catch (e) {
      // A rule problem goes beside the rule; anything else (a flag it would break) on top.
      const errors = fieldErrorsOf(editProblemsOf(e));
      setFieldErrors({ rule: errors.rule, reason: errors.reason });
      const rest = Object.entries(errors)
        .filter(([f]) => f !== 'rule' && f !== 'reason')
        .flatMap(([, m]) => m ?? []);
      if (rest.length || (!errors.rule && !errors.reason))
        setProblem(rest.length ? rest.join(' ') : (e as Error).message);
      setTimeout(
        () =>
          revealFirst([
            errors.rule && 'gantry-segment-rule',
            errors.reason && 'gantry-segment-reason',
          ]),
        0,
      );
    } finally {
      setBusy(false);
    }
  };

  const columns: TableColumn<FlagSegment>[] = [
    { title: 'Segment', field: 'name' },
    { title: 'Environment', field: 'environment' },
    {
      title: 'Rule',
      render: s => (
        <CodeSnippet language="json" text={JSON.stringify(s.rule)} />
      ),
    },
    { title: 'Version', field: 'version' },
    { title: 'Changed by', field: 'updatedBy' },
    {
      title: '',
      render: s =>
        allowed.update && (
          <Button size="small" onClick={() => open(s)}>
            Edit
          </Button>
        ),
    },
  ];

  return (
    <>
      <AsyncCard<FlagSegment[]>
        title="Segments"
        {...props}
        action={
          allowed.update && (
            <Button color="primary" variant="outlined" onClick={() => open()}>
              New segment
            </Button>
          )
        }
        isEmpty={v => v.length === 0}
        empty={{
          title: 'No segments',
          description:
            'A segment is a named rule on context attributes (plan, region, tenant…) that many flags reference with {"$ref": "name"}.',
        }}
      >
        {items => <DenseTable<FlagSegment> columns={columns} data={items} />}
      </AsyncCard>
      <Dialog
        open={Boolean(editing)}
        onClose={() => setEditing(undefined)}
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle>
          {editing?.segment ? `Edit segment ${name}` : 'New segment'}
        </DialogTitle>
        <DialogContent>
          {problem && <Alert severity="error">{problem}</Alert>}
          <Grid container spacing={2}>
            <Grid item xs={6}>
              <SelectField
                id="gantry-segment-environment"
                label="Environment"
                fullWidth
                disabled={Boolean(editing?.segment)}
                value={environment}
                onChange={e => setEnvironment(e.target.value)}
                options={props.environments}
              />
            </Grid>
            <Grid item xs={6}>
              <TextField
                id="gantry-segment-name"
                label="Name"
                fullWidth
                disabled={Boolean(editing?.segment)}
                value={name}
                onChange={e => setName(e.target.value)}
              />
            </Grid>
            <Grid item xs={12}>
              <TextField
                id="gantry-segment-rule"
                label="Rule (JsonLogic)"
                multiline
                minRows={6}
                fullWidth
                variant="outlined"
                inputProps={{ style: { fontFamily: 'monospace' } }}
                value={rule}
                onChange={e => setRule(e.target.value)}
                error={Boolean(fieldErrors.rule?.length)}
                helperText={fieldErrors.rule?.join(' · ')}
                FormHelperTextProps={
                  fieldErrors.rule?.length ? { role: 'alert' } : undefined
                }
              />
            </Grid>
            <Grid item xs={12}>
              <TextField
                id="gantry-segment-reason"
                label="Why"
                required
                fullWidth
                value={reason}
                onChange={e => setReason(e.target.value)}
                error={Boolean(fieldErrors.reason?.length)}
                helperText={fieldErrors.reason?.join(' · ')}
              />
            </Grid>
          </Grid>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setEditing(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            disabled={busy || !name || reason.trim().length < 3}
            onClick={save}
          >
            Save
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
