import type { ExperimentVariantResult } from '@gantry/plugin-gantry-common';
import { useTheme } from '@material-ui/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Rates in percent with the interval as [below, above] distances, as ErrorBar wants them. */
export function experimentBars(variants: ExperimentVariantResult[]) {
  return variants.map(v => ({
    variant: v.isControl ? `${v.variant} (control)` : v.variant,
    rate: v.rate * 100,
    interval: [(v.rate - v.interval[0]) * 100, (v.interval[1] - v.rate) * 100],
  }));
}

/** Conversion rate per variant with its confidence interval as error bars. */
export function ExperimentChart(props: {
  variants: ExperimentVariantResult[];
}) {
  const theme = useTheme();
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={experimentBars(props.variants)}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="variant" />
        <YAxis unit=" %" />
        <Tooltip
          formatter={(v: number) => [`${v.toFixed(2)} %`, 'conversion rate']}
        />
        <Bar dataKey="rate" fill={theme.palette.primary.main}>
          <ErrorBar
            dataKey="interval"
            width={8}
            strokeWidth={2}
            stroke={theme.palette.text.primary}
          />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
