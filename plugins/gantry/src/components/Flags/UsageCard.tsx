import { useApi } from '@backstage/core-plugin-api';
import type { FlagUsage } from '@gantry/plugin-gantry-common';
import { useTheme } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { ServiceHealthChart } from './ServiceHealthChart';
import { SelectField } from '../shared/SelectField';

/** One row per bucket with a column per `flag: variant`, as recharts wants it. */
export function usageSeries(usage: FlagUsage) {
  const series = [...new Set(usage.rows.map(r => `${r.key}: ${r.variant}`))];
  const byBucket = new Map<string, Record<string, number | string>>();
  for (const r of usage.rows) {
    const row = byBucket.get(r.bucketStart) ?? { bucket: r.bucketStart };
    row[`${r.key}: ${r.variant}`] = r.count;
    byBucket.set(r.bucketStart, row);
  }
  return { series, data: [...byBucket.values()] };
}

const HOURS = [6, 24, 24 * 7];

/**
 * Evaluations per flag and variant over time, to see what is still in use and how
 * splits behave, above the entity's error rate and latency for the same period.
 */
export function UsageCard({ environments }: { environments: string[] }) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const theme = useTheme();
  const [environment, setEnvironment] = useState(environments[0]);
  const [hours, setHours] = useState(24);
  const usage = useAsyncRetry(
    () => api.getFlagUsage(ref, environment, hours),
    [api, ref, environment, hours],
  );
  const colors = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
    theme.palette.grey[500],
  ];
  return (
    <AsyncCard<FlagUsage>
      title="Evaluations"
      subheader={`OFREP evaluations per flag and variant, ${
        usage.value?.bucketMinutes ?? 5
      }-minute buckets`}
      {...usage}
      action={
        <>
          <SelectField
            id="gantry-flag-usage-environment"
            size="small"
            value={environment}
            onChange={e => setEnvironment(e.target.value)}
            style={{ marginRight: 8 }}
            options={environments}
          />
          <SelectField
            id="gantry-flag-usage-hours"
            size="small"
            value={hours}
            onChange={e => setHours(Number(e.target.value))}
            options={HOURS.map(h => ({
              value: h,
              label: `last ${h < 48 ? `${h} h` : `${h / 24} days`}`,
            }))}
          />
        </>
      }
      isEmpty={v => v.rows.length === 0 && v.metrics?.status !== 'ok'}
      empty={{
        title: 'No evaluations recorded',
        description: `No application evaluated these flags in ${environment} in this period.`,
      }}
    >
      {value => {
        const { series, data } = usageSeries(value);
        return (
          <>
            <ResponsiveContainer width="100%" height={260}>
              <AreaChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="bucket"
                  tickFormatter={(t: string) =>
                    new Date(t).toLocaleTimeString()
                  }
                />
                <YAxis allowDecimals={false} />
                <Tooltip
                  labelFormatter={(t: string) => new Date(t).toLocaleString()}
                />
                <Legend />
                {series.map((s, i) => (
                  <Area
                    key={s}
                    dataKey={s}
                    stackId="evaluations"
                    stroke={colors[i % colors.length]}
                    fill={colors[i % colors.length]}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
            {value.metrics && <ServiceHealthChart metrics={value.metrics} />}
          </>
        );
      }}
    </AsyncCard>
  );
}
