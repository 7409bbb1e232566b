import type {
  RollbackMeasurement,
  RollbackObjectivesView,
} from '@gantry/plugin-gantry-common';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DenseTable } from '../shared/DenseTable';
import { formatDuration, formatPercent } from './format';

const RED = '#c62828';
const GREEN = '#2e7d32';
const minutes = (s: number | null) =>
  s === null ? null : Math.round((s / 60) * 10) / 10;
const CAUSE: Record<RollbackMeasurement['cause'], string> = {
  failed: 'deployment failed',
  aborted: 'canary aborted',
  'rolled-back': 'rolled back',
};

const colourOf = (attainment: number | null) => {
  if (attainment === null) return undefined;
  return attainment === 1 ? GREEN : RED;
};

/** Who or what restored service after a failed change. */
const restorerOf = (m: RollbackMeasurement) => {
  if (m.restoredBy)
    return `${m.restoredBy.revision.slice(0, 12)}${
      m.restoredBy.rollback ? ' (rollback)' : ''
    }`;
  return m.cause === 'aborted' ? 'the abort' : '—';
};

function Attainment(props: {
  label: string;
  target: number;
  attainment: number | null;
  met: number;
  judged: number;
  testId: string;
}) {
  return (
    <Box border={1} borderColor="divider" borderRadius={4} p={1}>
      <Typography variant="caption" color="textSecondary">
        {props.label} within {formatDuration(props.target)}
      </Typography>
      <Typography
        variant="h6"
        data-testid={props.testId}
        style={{ color: colourOf(props.attainment) }}
      >
        {formatPercent(props.attainment)}
      </Typography>
      <Typography variant="caption">
        {props.judged
          ? `${props.met} of ${props.judged} failed changes`
          : 'nothing to judge yet'}
      </Typography>
    </Box>
  );
}

/** Restore and recovery time of each failed change, against the objective lines. */
function RestoreChart({ view }: { view: RollbackObjectivesView }) {
  const data = view.measurements.map(m => ({
    change: `${new Date(m.detectedAt).toLocaleDateString()} ${m.revision.slice(
      0,
      7,
    )}`,
    'restore (min)': minutes(m.timeToRestoreSeconds),
    'recover (min)': minutes(m.timeToRecoverSeconds),
  }));
  return (
    <ResponsiveContainer width="100%" height={220}>
      <ComposedChart
        data={data}
        margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="change" />
        <YAxis unit=" min" />
        <Tooltip />
        <Legend />
        <Bar dataKey="restore (min)" fill="#90caf9" />
        <Bar dataKey="recover (min)" fill="#ce93d8" />
        <ReferenceLine
          y={minutes(view.objectives.timeToRestoreSeconds)!}
          stroke={RED}
          strokeDasharray="4 4"
          ifOverflow="extendDomain"
          label={`restore target ${formatDuration(
            view.objectives.timeToRestoreSeconds,
          )}`}
        />
        <ReferenceLine
          y={minutes(view.objectives.timeToRecoverSeconds)!}
          stroke="#6a1b9a"
          strokeDasharray="4 4"
          ifOverflow="extendDomain"
          label={`recover target ${formatDuration(
            view.objectives.timeToRecoverSeconds,
          )}`}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

const took = (s: number | null, met: boolean | null, target: number) => {
  if (s === null)
    return met === false
      ? `not restored, past ${formatDuration(target)}`
      : 'not restored yet';
  return `${formatDuration(s)}${
    met === false ? ` (> ${formatDuration(target)})` : ''
  }`;
};

/** The rollback time objectives of the DORA card: attainment, restore times, misses. */
export function RollbackObjectives({ view }: { view: RollbackObjectivesView }) {
  const { objectives, measurements, misses } = view;
  const count = (k: 'restoreMet' | 'recoverMet') => ({
    met: measurements.filter(m => m[k] === true).length,
    judged: measurements.filter(m => m[k] !== null).length,
  });
  return (
    <Box mt={2} data-testid="rollback-objectives">
      <Typography variant="subtitle1">Rollback time objectives</Typography>
      <Typography variant="caption" color="textSecondary" paragraph>
        Restore: from a failure showing to a good version serving again.
        Recover: from the bad change going live to the same. The owner is
        notified when a restore misses either.
      </Typography>
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <Attainment
            label="Restored"
            target={objectives.timeToRestoreSeconds}
            attainment={view.restoreAttainment}
            testId="rollback-restore-attainment"
            {...count('restoreMet')}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <Attainment
            label="Recovered"
            target={objectives.timeToRecoverSeconds}
            attainment={view.recoverAttainment}
            testId="rollback-recover-attainment"
            {...count('recoverMet')}
          />
        </Grid>
      </Grid>
      {measurements.length === 0 ? (
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
        >
          No failed or rolled-back deployments in this period: nothing to
          measure against the objectives.
        </Typography>
      ) : (
        <>
          <RestoreChart view={view} />
          {misses.length > 0 && (
            <>
              <Typography variant="subtitle2" style={{ color: RED }}>
                Missed objectives ({misses.length})
              </Typography>
              <DenseTable<RollbackMeasurement>
                pageSize={5}
                columns={[
                  {
                    title: 'Detected',
                    render: m => new Date(m.detectedAt).toLocaleString(),
                  },
                  {
                    title: 'Change',
                    render: m =>
                      `${m.revision.slice(0, 12)} · ${CAUSE[m.cause]}`,
                  },
                  {
                    title: 'Restore',
                    render: m =>
                      took(
                        m.timeToRestoreSeconds,
                        m.restoreMet,
                        objectives.timeToRestoreSeconds,
                      ),
                  },
                  {
                    title: 'Recover',
                    render: m =>
                      took(
                        m.timeToRecoverSeconds,
                        m.recoverMet,
                        objectives.timeToRecoverSeconds,
                      ),
                  },
                  {
                    title: 'Restored by',
                    render: restorerOf,
                  },
                ]}
                data={misses}
              />
            </>
          )}
        </>
      )}
    </Box>
  );
}
