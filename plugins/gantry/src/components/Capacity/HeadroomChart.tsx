import type { CapacityEnvironment } from '@gantry/plugin-gantry-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { envLabel, percent } from './format';

const pct = (ratio: number | null) =>
  ratio === null ? null : Math.round(ratio * 1000) / 10;

/** Use of CPU and memory limits and of the HPA's maximum replicas per environment, in %. */
export function HeadroomChart(props: { environments: CapacityEnvironment[] }) {
  const data = props.environments.map(e => ({
    name: envLabel(e),
    cpu: pct(e.cpu.ratio),
    memory: pct(e.memory.ratio),
    replicas: e.hpa
      ? pct(e.hpa.currentReplicas / Math.max(e.hpa.maxReplicas, 1))
      : null,
  }));
  const label = `Use of limits per environment: ${props.environments
    .map(
      e =>
        `${envLabel(e)} CPU ${percent(e.cpu.ratio)}, memory ${percent(
          e.memory.ratio,
        )}${
          e.hpa
            ? `, ${e.hpa.currentReplicas} of ${e.hpa.maxReplicas} replicas`
            : ''
        }`,
    )
    .join('; ')}`;
  return (
    <div
      role="img"
      aria-label={label}
      style={{ width: '100%', height: 80 + 56 * data.length }}
    >
      <ResponsiveContainer>
        <BarChart
          data={data}
          layout="vertical"
          margin={{ top: 8, right: 24, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" unit=" %" domain={[0, 100]} allowDataOverflow />
          <YAxis type="category" dataKey="name" width={180} />
          <Tooltip formatter={v => `${v} %`} />
          <Legend />
          <ReferenceLine x={90} stroke="#d32f2f" strokeDasharray="4 4" />
          <Bar
            dataKey="cpu"
            name="CPU of limits"
            fill="#1976d2"
            isAnimationActive={false}
          />
          <Bar
            dataKey="memory"
            name="Memory of limits"
            fill="#7b1fa2"
            isAnimationActive={false}
          />
          <Bar
            dataKey="replicas"
            name="Replicas of HPA max"
            fill="#ef6c00"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
