import type { FeatureFlag } from '@gantry/plugin-gantry-common';
import { useTheme } from '@material-ui/core';
import {
  Bar,
  BarChart,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Rows for the chart: one per flag with a percentage split, one key per variant. */
export function rolloutRows(flags: FeatureFlag[]) {
  return flags
    .filter(f => f.summary.rollout && !f.killedAt)
    .map(f => ({ flag: f.key, ...f.summary.rollout }));
}

/** Percentage rollouts side by side, so a 5 % and a 50 % flag read differently at a glance. */
export function RolloutChart({ flags }: { flags: FeatureFlag[] }) {
  const theme = useTheme();
  const rows = rolloutRows(flags);
  if (rows.length === 0) return null;
  const variants = [
    ...new Set(rows.flatMap(r => Object.keys(r).filter(k => k !== 'flag'))),
  ];
  const colors = [
    theme.palette.primary.main,
    theme.palette.grey[400],
    theme.palette.secondary.main,
    theme.palette.warning.main,
  ];
  return (
    <ResponsiveContainer width="100%" height={60 + rows.length * 32}>
      <BarChart data={rows} layout="vertical" margin={{ left: 24 }}>
        <XAxis type="number" domain={[0, 100]} unit="%" />
        <YAxis type="category" dataKey="flag" width={140} />
        <Tooltip formatter={(v: number) => `${v}%`} />
        <Legend />
        {variants.map((v, i) => (
          <Bar
            key={v}
            dataKey={v}
            stackId="split"
            fill={colors[i % colors.length]}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
