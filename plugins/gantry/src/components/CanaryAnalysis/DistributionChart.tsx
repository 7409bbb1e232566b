import type { CanaryMetricResult } from '@gantry/plugin-gantry-common';
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
import { formatMetric } from './format';

const BASELINE = '#1976d2';
const CANARY = '#ef6c00';

/**
 * Baseline and canary distributions as quantile curves (value at each percentile): a
 * shift moves the whole canary curve, a spread change tilts it, outliers bend the ends.
 */
export function DistributionChart({ metric }: { metric: CanaryMetricResult }) {
  const { baseline, canary, unit } = metric;
  const data = Array.from(
    { length: Math.max(baseline.quantiles.length, canary.quantiles.length) },
    (_, i) => ({
      percentile: i * 5,
      baseline: baseline.quantiles[i],
      canary: canary.quantiles[i],
    }),
  );
  return (
    <div
      role="img"
      aria-label={`${metric.name}: baseline median ${formatMetric(
        baseline.quantiles[10],
        unit,
      )}, canary median ${formatMetric(canary.quantiles[10], unit)}`}
    >
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={data} margin={{ top: 8, right: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="percentile"
            type="number"
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            tickFormatter={p => `P${p}`}
          />
          <YAxis
            width={64}
            tickFormatter={v => formatMetric(Number(v), unit)}
            domain={['auto', 'auto']}
          />
          <Tooltip
            labelFormatter={p => `P${p}`}
            formatter={(v: number, name: string) => [
              formatMetric(v, unit),
              name,
            ]}
          />
          <Legend />
          <Line
            dataKey="baseline"
            name={`baseline (${baseline.count} points)`}
            stroke={BASELINE}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="canary"
            name={`canary (${canary.count} points)`}
            stroke={CANARY}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
