import { useApi } from '@backstage/core-plugin-api';
import {
  gantryFlagUpdatePermission,
  type ExperimentVariantResult,
  type FeatureFlag,
  type FlagExperimentResults,
} from '@gantry/plugin-gantry-common';
import { Box, Button, LinearProgress, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { useEntityPermissions } from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { ExperimentChart } from './ExperimentChart';
import { ExperimentConfigDialog } from './ExperimentConfigDialog';
import { ReasonDialog } from './ReasonDialog';
import { SelectField } from '../shared/SelectField';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const pValue = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));
const idOf = (f: FeatureFlag) => `${f.environment}/${f.key}`;

const columns = [
  {
    title: 'Variant',
    render: (v: ExperimentVariantResult) =>
      v.isControl ? `${v.variant} (control)` : v.variant,
  },
  { title: 'Exposed', field: 'exposures' as const, type: 'numeric' as const },
  {
    title: 'Converted',
    field: 'conversions' as const,
    type: 'numeric' as const,
  },
  {
    title: 'Rate (interval)',
    render: (v: ExperimentVariantResult) =>
      `${pct(v.rate)} (${pct(v.interval[0])} – ${pct(v.interval[1])})`,
  },
  {
    title: 'Change vs control',
    render: (v: ExperimentVariantResult) =>
      v.comparison
        ? `${v.comparison.difference >= 0 ? '+' : ''}${(
            v.comparison.difference * 100
          ).toFixed(2)} pts`
        : '—',
  },
  {
    title: 'p-value',
    render: (v: ExperimentVariantResult) =>
      v.comparison
        ? `${pValue(v.comparison.pValue)}${
            v.comparison.significant ? ' (significant)' : ''
          }`
        : '—',
  },
];

const severity = {
  'no-data': 'info',
  collecting: 'info',
  inconclusive: 'info',
  'sample-ratio-mismatch': 'error',
  winner: 'success',
} as const;

function Results(props: {
  results: FlagExperimentResults;
  canRollOut: boolean;
  onRollout: () => void;
}) {
  const { results } = props;
  const { decision, requiredSampleSize, sampleRatio } = results;
  const least = Math.min(...results.variants.map(v => v.exposures));
  return (
    <>
      <Alert
        severity={severity[decision.status]}
        action={
          decision.status === 'winner' ? (
            <Button
              color="inherit"
              size="small"
              disabled={!props.canRollOut}
              onClick={props.onRollout}
            >
              Roll out {decision.winner}
            </Button>
          ) : undefined
        }
      >
        {decision.message}
      </Alert>
      {sampleRatio?.mismatch && (
        <Box mt={1}>
          <Alert severity="warning">
            Sample ratio mismatch: chi-square {sampleRatio.chiSquare.toFixed(2)}
            , p = {sampleRatio.pValue.toExponential(2)}. The observed split
            differs from the configured one.
          </Alert>
        </Box>
      )}
      {requiredSampleSize !== undefined && (
        <Box mt={2}>
          <Typography variant="body2">
            Sample size: smallest variant has {least} of {requiredSampleSize}{' '}
            exposures needed to detect a{' '}
            {pct(results.experiment.minimumDetectableEffect)} change
          </Typography>
          <LinearProgress
            variant="determinate"
            aria-label="sample size progress"
            value={Math.min(100, (least / requiredSampleSize) * 100)}
          />
        </Box>
      )}
      <Box mt={2}>
        <DenseTable columns={columns} data={results.variants} />
      </Box>
      <ExperimentChart variants={results.variants} />
      <Typography variant="caption" color="textSecondary">
        Conversion event {results.experiment.conversionEvent}; Wilson intervals
        at {((1 - results.experiment.alpha) * 100).toFixed(0)} %; each variant
        tested against control at alpha {results.comparisonAlpha}.
        {sampleRatio
          ? ` Split check p = ${sampleRatio.pValue.toPrecision(3)}.`
          : ` ${results.sampleRatioNote ?? ''}`}
        {results.unexposedConversions
          ? ` ${results.unexposedConversions} conversions came from users never exposed and are not counted.`
          : ''}
      </Typography>
    </>
  );
}

/** A/B results of one flag: rates with intervals, tests against control, split check, winner. */
export function ExperimentCard(props: {
  flags: FeatureFlag[];
  onRolledOut: () => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions({ update: gantryFlagUpdatePermission });
  const [configuring, setConfiguring] = useState(false);
  const candidates = [...props.flags].sort(
    (a, b) => Number(b.type === 'experiment') - Number(a.type === 'experiment'),
  );
  const [selected, setSelected] = useState<string | undefined>();
  const flag = candidates.find(f => idOf(f) === selected) ?? candidates[0];
  const results = useAsyncRetry(
    async () =>
      flag ? api.getFlagExperiment(ref, flag.environment, flag.key) : undefined,
    [api, ref, flag?.environment, flag?.key],
  );
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<
    { severity: 'success' | 'info' | 'error'; text: string } | undefined
  >();
  const winner =
    results.value?.decision.status === 'winner'
      ? results.value.decision.winner
      : undefined;

  const rollout = async (reason: string) => {
    if (!flag) return;
    setBusy(true);
    try {
      const r = await api.rolloutFlagExperimentWinner(
        ref,
        flag.environment,
        flag.key,
        reason,
      );
      setOutcome(
        r.status === 'pending'
          ? {
              severity: 'info',
              text: `${winner} waits for approval by another owner in ${flag.environment}.`,
            }
          : { severity: 'success', text: `${flag.key} now serves ${winner}.` },
      );
      props.onRolledOut();
      results.retry();
    } catch (e) {
      setOutcome({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <>
      <AsyncCard<FlagExperimentResults | undefined>
        title="Experiment"
        subheader={flag ? `${flag.key} in ${flag.environment}` : 'No flags yet'}
        {...results}
        action={
          candidates.length > 0 && (
            <>
              <Button
                size="small"
                disabled={!allowed.update || results.loading}
                onClick={() => setConfiguring(true)}
                style={{ marginRight: 8 }}
              >
                {results.value ? 'Edit experiment' : 'Set up experiment'}
              </Button>
              <SelectField
                id="gantry-flag-experiment-flag"
                size="small"
                label="Flag"
                value={flag ? idOf(flag) : ''}
                onChange={e => {
                  setOutcome(undefined);
                  setSelected(e.target.value);
                }}
                options={candidates.map(f => ({
                  value: idOf(f),
                  label: `${f.key} (${f.environment})`,
                }))}
              />
            </>
          )
        }
        isEmpty={v => v === undefined}
        empty={{
          title: 'No experiment on this flag',
          description:
            'Set one up (conversion event, control variant, minimum detectable effect); applications then send exposures and conversions to POST /api/gantry/flags/events with their flag client key.',
        }}
      >
        {value => (
          <>
            {outcome && (
              <Box mb={1}>
                <Alert severity={outcome.severity}>{outcome.text}</Alert>
              </Box>
            )}
            <Results
              results={value!}
              canRollOut={allowed.update}
              onRollout={() => setConfirming(true)}
            />
          </>
        )}
      </AsyncCard>
      {flag && (
        <ExperimentConfigDialog
          open={configuring}
          flag={flag}
          experiment={results.value?.experiment}
          onClose={() => setConfiguring(false)}
          onSaved={() => {
            setConfiguring(false);
            results.retry();
          }}
        />
      )}
      <ReasonDialog
        open={confirming}
        title={`Roll out ${winner ?? ''} to everyone?`}
        confirmLabel="Roll out"
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={rollout}
      >
        {flag?.key} in {flag?.environment} will serve {winner} to every user and
        its targeting rules will be removed. Where the environment needs
        approval this becomes a pending change for another owner.
      </ReasonDialog>
    </>
  );
}
