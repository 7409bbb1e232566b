import { CodeSnippet } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  FLAG_TYPES,
  type FeatureFlag,
  type FlagInput,
  type FlagPrerequisite,
  type FlagType,
} from '@gantry/plugin-gantry-common';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { useEntityRef } from '../shared/useEntityRef';
import { LinkedSloField } from './LinkedSloField';
import { PrerequisitesEditor } from './PrerequisitesEditor';
import { RolloutHelper } from './RolloutHelper';
import { SelectField } from '../shared/SelectField';
import {
  editProblemsOf,
  fieldErrorsOf,
  revealFirst,
  type FieldErrors,
} from './editProblems';

/** The input of each field a server problem can point at, in the order they are shown. */
const FIELD_IDS: Array<[keyof FieldErrors, string]> = [
  ['key', 'gantry-flag-key'],
  ['type', 'gantry-flag-type'],
  ['expiresAt', 'gantry-flag-expires'],
  ['definition', 'gantry-flag-definition'],
  ['prerequisites', 'gantry-flag-prerequisites'],
  ['safeVariant', 'gantry-flag-safe-variant'],
  ['description', 'gantry-flag-description'],
  ['reason', 'gantry-flag-reason'],
];

const NEW_DEFINITION = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: {
    fractional: [
      ['on', 500],
      ['off', 9500],
    ],
  },
};

type Draft = {
  key: string;
  definition: string;
  type: FlagType;
  expiresAt: string;
  description: string;
  safeVariant: string;
  prerequisites: FlagPrerequisite[];
};

function draftOf(flag?: FeatureFlag): Draft {
  return {
    key: flag?.key ?? '',
    definition: JSON.stringify(flag?.definition ?? NEW_DEFINITION, null, 2),
    type: flag?.type ?? 'release',
    expiresAt: flag?.expiresAt?.slice(0, 10) ?? '',
    description: flag?.description ?? '',
    safeVariant: flag?.safeVariant ?? '',
    prerequisites: flag?.prerequisites ?? [],
  };
}

/**
 * Creates or edits a flag in the flagd format. A stale edit (412) shows the newer
 * version and lets the user re-apply their change on top of it.
 */
export function FlagEditDialog(props: {
  open: boolean;
  environment: string;
  flag?: FeatureFlag;
  /** Flags of the environment, to pick prerequisites from. */
  flags: FeatureFlag[];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.flag));
  const [baseVersion, setBaseVersion] = useState<number | null>(
    props.flag?.version ?? null,
  );
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [newer, setNewer] = useState<{
    message: string;
    current: FeatureFlag | null;
  }>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft(d => ({ ...d, ...patch }));

  /** Shows each problem beside its field; what has no field goes to the alert on top. */
  const showProblems = (errors: FieldErrors, message?: string) => {
    setFieldErrors(errors);
    const placed = FIELD_IDS.filter(([f]) => errors[f]?.length);
    const unplaced = Object.entries(errors)
      .filter(([f]) => !FIELD_IDS.some(([known]) => known === f))
      .flatMap(([, m]) => m ?? []);
    let top = placed.length ? undefined : message;
    if (unplaced.length) top = unplaced.join(' ');
    setError(top);
    // After React has rendered the messages.
    setTimeout(() => revealFirst(placed.map(([, id]) => id)), 0);
  };

  const save = async () => {
    setError(undefined);
    setFieldErrors({});
    let definition: FlagInput['definition'];
    try {
      definition = JSON.parse(draft.definition);
    } catch (e) {
      showProblems({
        definition: [`not valid JSON: ${(e as Error).message}`],
      });
      return;
    }
    setBusy(true);
    try {
      const result = await api.saveFlag(ref, props.environment, draft.key, {
        flag: {
          definition,
          type: draft.type,
          // An edit keeps the flag's owner; a new flag gets the entity's.
          ...(props.flag ? { owner: props.flag.owner } : {}),
          expiresAt: draft.expiresAt ? `${draft.expiresAt}T00:00:00Z` : null,
          ...(draft.description ? { description: draft.description } : {}),
          ...(draft.safeVariant ? { safeVariant: draft.safeVariant } : {}),
          ...(draft.prerequisites.length
            ? { prerequisites: draft.prerequisites }
            : {}),
        },
        baseVersion,
        reason,
      });
      if (result.status === 'stale') {
        setNewer({
          message: result.message,
          current: result.current as FeatureFlag | null,
        });
      } else {
        props.onSaved(
          result.status === 'pending'
            ? `Change to ${draft.key} waits for approval by another owner.`
            : `${draft.key} saved in ${props.environment}.`,
        );
      }
    } catch (e) {
      showProblems(fieldErrorsOf(editProblemsOf(e)), (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const errorsOf = (field: keyof FieldErrors) => fieldErrors[field] ?? [];
  /** A field's helper text, replaced by its problems while it has some. */
  const helper = (field: keyof FieldErrors, normal?: string) =>
    errorsOf(field).length ? errorsOf(field).join(' · ') : normal;
  /** Screen readers announce a problem as it appears beside its field. */
  const alertIf = (field: keyof FieldErrors) =>
    errorsOf(field).length ? { role: 'alert' } : undefined;

  let variants: string[] = [];
  try {
    variants = Object.keys(JSON.parse(draft.definition).variants ?? {});
  } catch {
    // The helper stays hidden while the JSON does not parse.
  }
  const setTargeting = (targeting: Record<string, unknown>) => {
    setError(undefined);
    const definition = JSON.parse(draft.definition);
    set({
      definition: JSON.stringify({ ...definition, targeting }, null, 2),
    });
  };

  /** Keeps the user's text and moves the edit onto the newer version. */
  const rebase = () => {
    setBaseVersion(newer?.current?.version ?? null);
    setNewer(undefined);
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {props.flag ? `Edit ${props.flag.key}` : 'New flag'} in{' '}
        {props.environment}
      </DialogTitle>
      <DialogContent>
        {newer && (
          <Alert
            severity="warning"
            action={
              <Button color="inherit" size="small" onClick={rebase}>
                Apply my edit to the newer version
              </Button>
            }
          >
            <Typography variant="body2">{newer.message}</Typography>
            {newer.current && (
              <CodeSnippet
                language="json"
                text={JSON.stringify(newer.current.definition, null, 2)}
              />
            )}
          </Alert>
        )}
        {props.flag?.killedAt && (
          <Alert severity="warning" data-testid="gantry-flag-killed">
            Killed by {props.flag.killedBy} at {props.flag.killedAt}
            {props.flag.killedReason ? ` (${props.flag.killedReason})` : ''}:
            every client gets <strong>{props.flag.safeVariant}</strong>. Saving
            changes the definition below but keeps the flag killed; use Restore
            in the table to serve this definition again.
          </Alert>
        )}
        {error && <Alert severity="error">{error}</Alert>}
        <Grid container spacing={2}>
          <Grid item xs={12} sm={4}>
            <TextField
              id="gantry-flag-key"
              label="Key"
              required
              fullWidth
              disabled={Boolean(props.flag)}
              value={draft.key}
              onChange={e => set({ key: e.target.value })}
              error={errorsOf('key').length > 0}
              helperText={helper('key')}
            />
          </Grid>
          <Grid item xs={12} sm={4}>
            <SelectField
              id="gantry-flag-type"
              label="Type"
              fullWidth
              value={draft.type}
              onChange={e => set({ type: e.target.value as FlagType })}
              options={FLAG_TYPES}
              error={errorsOf('type').length > 0}
              helperText={helper('type')}
            />
          </Grid>
          <Grid item xs={12} sm={4}>
            <TextField
              id="gantry-flag-expires"
              label="Expires"
              type="date"
              fullWidth
              InputLabelProps={{ shrink: true }}
              value={draft.expiresAt}
              onChange={e => set({ expiresAt: e.target.value })}
              error={errorsOf('expiresAt').length > 0}
              helperText={helper('expiresAt')}
            />
          </Grid>
          <Grid item xs={12}>
            <TextField
              id="gantry-flag-definition"
              label="flagd definition (JSON)"
              multiline
              minRows={10}
              fullWidth
              variant="outlined"
              inputProps={{ style: { fontFamily: 'monospace' } }}
              value={draft.definition}
              onChange={e => set({ definition: e.target.value })}
              error={errorsOf('definition').length > 0}
              FormHelperTextProps={alertIf('definition')}
              helperText={helper(
                'definition',
                'state, variants of one type, defaultVariant (optional), targeting (JsonLogic with fractional, sem_ver, starts_with, ends_with; segments as {"$ref": "name"})',
              )}
            />
          </Grid>
          <Grid item xs={12}>
            <RolloutHelper
              variants={variants}
              onTargeting={setTargeting}
              onError={setError}
            />
          </Grid>
          <Grid item xs={12} id="gantry-flag-prerequisites" tabIndex={-1}>
            <PrerequisitesEditor
              value={draft.prerequisites}
              candidates={props.flags.filter(f => f.key !== draft.key)}
              onChange={prerequisites => set({ prerequisites })}
            />
            {errorsOf('prerequisites').length > 0 && (
              <Typography variant="caption" color="error" role="alert">
                {helper('prerequisites')}
              </Typography>
            )}
          </Grid>
          <Grid item xs={12} sm={6}>
            <LinkedSloField
              definition={draft.definition}
              onDefinition={definition => set({ definition })}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              id="gantry-flag-safe-variant"
              label="Safe variant (kill switch)"
              fullWidth
              value={draft.safeVariant}
              onChange={e => set({ safeVariant: e.target.value })}
              error={errorsOf('safeVariant').length > 0}
              FormHelperTextProps={alertIf('safeVariant')}
              helperText={helper(
                'safeVariant',
                'Served by the kill switch and while a prerequisite is not met; defaults to the false variant, else the default variant',
              )}
            />
          </Grid>
          <Grid item xs={12}>
            <TextField
              id="gantry-flag-description"
              label="Description"
              fullWidth
              value={draft.description}
              onChange={e => set({ description: e.target.value })}
              error={errorsOf('description').length > 0}
              helperText={helper('description')}
            />
          </Grid>
          <Grid item xs={12}>
            <TextField
              id="gantry-flag-reason"
              label="Why"
              required
              fullWidth
              value={reason}
              onChange={e => setReason(e.target.value)}
              error={errorsOf('reason').length > 0}
              helperText={helper(
                'reason',
                'Recorded with the change in the audit log',
              )}
            />
          </Grid>
        </Grid>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={
            busy || Boolean(newer) || !draft.key || reason.trim().length < 3
          }
          onClick={save}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
