import type { FlagUsageMetrics } from '@gantry/plugin-gantry-common';
import { Typography, useTheme } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Error rate (%) and p99 latency (ms) joined on their timestamps. */
export function healthRows(
  metrics: Extract<FlagUsageMetrics, { status: 'ok' }>,
) {
  const rows = new Map<number, Record<string, number>>();
  const put = (t: number, k: string, v: number) =>
    rows.set(t, { ...(rows.get(t) ?? { t: t * 1000 }), [k]: v });
  metrics.errorRate.forEach(([t, v]) => put(t, 'error rate %', v * 100));
  metrics.p99LatencySeconds.forEach(([t, v]) =>
    put(t, 'p99 latency ms', v * 1000),
  );
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}

/** The entity's error rate and p99 latency from Prometheus over the usage window. */
export function ServiceHealthChart(props: { metrics: FlagUsageMetrics }) {
  const theme = useTheme();
  const { metrics } = props;
  if (metrics.status !== 'ok')
    return <Alert severity="info">{metrics.message}</Alert>;
  const data = healthRows(metrics);
  if (!data.length)
    return (
      <Alert severity="info">
        Prometheus has no request metrics for {metrics.selector} in this period.
      </Alert>
    );
  return (
    <>
      <Typography variant="subtitle2">
        Error rate and p99 latency ({metrics.selector})
      </Typography>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(t: number) => new Date(t).toLocaleTimeString()}
          />
          <YAxis yAxisId="errors" unit=" %" />
          <YAxis yAxisId="latency" orientation="right" unit=" ms" />
          <Tooltip
            labelFormatter={(t: number) => new Date(t).toLocaleString()}
          />
          <Legend />
          <Line
            yAxisId="errors"
            dataKey="error rate %"
            dot={false}
            stroke={theme.palette.error.main}
          />
          <Line
            yAxisId="latency"
            dataKey="p99 latency ms"
            dot={false}
            stroke={theme.palette.info.main}
          />
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
