import type { SloStatus } from '@gantry/plugin-gantry-common';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatPercent } from './format';

const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** Rolling error budget remaining over the last period, with the 0 % line. */
export function BudgetChart(props: { slo: SloStatus }) {
  const points = props.slo.budgetHistory.map(p => ({
    time: p.time,
    remaining:
      p.remaining === null ? null : Math.round(p.remaining * 1000) / 10,
  }));
  const known = props.slo.budgetHistory.filter(p => p.remaining !== null);
  const label = known.length
    ? `Error budget remaining of ${props.slo.name} over the last ${
        props.slo.period
      }: from ${formatPercent(known[0].remaining)} to ${formatPercent(
        known[known.length - 1].remaining,
      )}`
    : `No error budget history for ${props.slo.name}`;
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height: 200 }}>
      <ResponsiveContainer>
        <LineChart
          data={points}
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="time" tickFormatter={day} minTickGap={24} />
          <YAxis unit=" %" domain={['auto', 100]} width={56} />
          <Tooltip
            labelFormatter={v => new Date(String(v)).toUTCString()}
            formatter={v => [`${v} %`, 'budget remaining']}
          />
          <ReferenceLine y={0} stroke="#d32f2f" strokeDasharray="4 4" />
          <Line
            type="monotone"
            dataKey="remaining"
            stroke="#1976d2"
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
