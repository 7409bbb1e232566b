import { useApi } from '@backstage/core-plugin-api';
import type {
  DoraFigures,
  DoraPeriod,
  DoraView,
} from '@gantry/plugin-gantry-common';
import { Box, Grid, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { formatDuration, formatPercent } from './format';
import { SelectField } from '../shared/SelectField';
import { RollbackObjectives } from './RollbackObjectives';

type Key = Exclude<keyof DoraFigures, 'deployments'>;
const FIGURES: Array<{
  key: Key;
  label: string;
  format: (v: number | null) => string;
  /** Whether a higher value is better, for the trend colour. */
  higherIsBetter: boolean;
}> = [
  {
    key: 'deploymentFrequency',
    label: 'Deployment frequency',
    format: v => (v === null ? '—' : `${Math.round(v * 100) / 100} / day`),
    higherIsBetter: true,
  },
  {
    key: 'leadTimeSeconds',
    label: 'Lead time for changes',
    format: formatDuration,
    higherIsBetter: false,
  },
  {
    key: 'changeFailureRate',
    label: 'Change failure rate',
    format: formatPercent,
    higherIsBetter: false,
  },
  {
    key: 'timeToRestoreSeconds',
    label: 'Time to restore',
    format: formatDuration,
    higherIsBetter: false,
  },
  {
    key: 'deploymentDurationSeconds',
    label: 'Deployment duration',
    format: formatDuration,
    higherIsBetter: false,
  },
  {
    key: 'rollbackDurationSeconds',
    label: 'Rollback duration',
    format: formatDuration,
    higherIsBetter: false,
  },
  {
    key: 'successWithoutInterventionRate',
    label: 'Success without manual steps',
    format: formatPercent,
    higherIsBetter: true,
  },
];

function Trend(props: {
  current: number | null;
  previous: number | null;
  higherIsBetter: boolean;
}) {
  const { current, previous } = props;
  if (current === null || previous === null || current === previous)
    return <Typography variant="caption">same as the period before</Typography>;
  const better = current > previous === props.higherIsBetter;
  const change =
    previous === 0
      ? 'new'
      : `${Math.round(((current - previous) / previous) * 100)}%`;
  return (
    <Typography
      variant="caption"
      style={{ color: better ? '#2e7d32' : '#c62828' }}
    >
      {current > previous ? '▲' : '▼'} {change} vs the period before
    </Typography>
  );
}

function DoraTiles({ view }: { view: DoraView }) {
  return (
    <Grid container spacing={2}>
      {FIGURES.map(f => (
        <Grid item xs={6} md={3} key={f.key}>
          <Box border={1} borderColor="divider" borderRadius={4} p={1}>
            <Typography variant="caption" color="textSecondary">
              {f.label}
            </Typography>
            <Typography variant="h6" data-testid={`dora-${f.key}`}>
              {f.format(view.current[f.key])}
            </Typography>
            <Trend
              current={view.current[f.key]}
              previous={view.previous[f.key]}
              higherIsBetter={f.higherIsBetter}
            />
          </Box>
        </Grid>
      ))}
      {view.incidents && (
        <Grid item xs={6} md={3}>
          <Box border={1} borderColor="divider" borderRadius={4} p={1}>
            <Typography variant="caption" color="textSecondary">
              Incidents (from alerts)
            </Typography>
            <Typography variant="h6" data-testid="dora-incidents">
              {view.incidents.count}
            </Typography>
            <Typography variant="caption">
              detect {formatDuration(view.incidents.timeToDetectSeconds)} ·
              restore {formatDuration(view.incidents.timeToRestoreSeconds)}
            </Typography>
          </Box>
        </Grid>
      )}
    </Grid>
  );
}

function DoraTrendChart({ view }: { view: DoraView }) {
  const data = view.trend.map(b => ({
    start: new Date(b.start).toLocaleDateString(),
    deployments: b.deployments,
    'change failure %':
      b.changeFailureRate === null
        ? null
        : Math.round(b.changeFailureRate * 100),
    'lead time (h)':
      b.leadTimeSeconds === null
        ? null
        : Math.round((b.leadTimeSeconds / 3600) * 10) / 10,
  }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <ComposedChart
        data={data}
        margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="start" />
        <YAxis yAxisId="count" allowDecimals={false} />
        <YAxis yAxisId="other" orientation="right" />
        <Tooltip />
        <Legend />
        <Bar yAxisId="count" dataKey="deployments" fill="#90caf9" />
        <Line
          yAxisId="other"
          dataKey="change failure %"
          stroke="#c62828"
          connectNulls
        />
        <Line
          yAxisId="other"
          dataKey="lead time (h)"
          stroke="#2e7d32"
          connectNulls
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** DORA figures for one environment over a chosen period, with the trend inside it. */
export function DoraCard({ environments }: { environments: string[] }) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const [environment, setEnvironment] = useState(
    environments[environments.length - 1] ?? 'production',
  );
  const [period, setPeriod] = useState<DoraPeriod>('30d');
  const state = useAsyncRetry(
    () => api.getDora(ref, environment, period),
    [api, ref, environment, period],
  );
  return (
    <AsyncCard
      title="DORA metrics"
      subheader={`${environment}, last ${period.replace('d', ' days')}`}
      {...state}
      isEmpty={v => v.current.deployments + v.previous.deployments === 0}
      empty={{
        title: `No deployments to ${environment} in this period`,
        description:
          'DORA figures are computed from the deployment history. Pick a longer period or another environment.',
      }}
      action={
        <Box display="flex" style={{ gap: 8 }} pt={1} pr={1}>
          <SelectField
            size="small"
            label="Environment"
            value={environment}
            onChange={e => setEnvironment(e.target.value)}
            options={environments}
          />
          <SelectField
            size="small"
            label="Period"
            value={period}
            onChange={e => setPeriod(e.target.value as DoraPeriod)}
            options={(['7d', '30d', '90d', '365d'] as const).map(p => ({
              value: p,
              label: p.replace('d', ' days'),
            }))}
          />
        </Box>
      }
    >
      {view => (
        <>
          <DoraTiles view={view} />
          <DoraTrendChart view={view} />
          {view.rollbackObjectives && (
            <RollbackObjectives view={view.rollbackObjectives} />
          )}
        </>
      )}
    </AsyncCard>
  );
}
