import type { SloStatus } from '@gantry/plugin-gantry-common';
import { Typography } from '@material-ui/core';
import { DenseTable } from '../shared/DenseTable';
import { formatBurnRate, formatErrorRatio } from './format';

interface Row {
  window: string;
  errorRatio: number | null;
  burnRate: number | null;
  thresholds: Array<{ text: string; exceeded: boolean }>;
}

/** Burn rate per window beside the multiwindow alert thresholds that read it. */
export function BurnRateTable(props: { slo: SloStatus }) {
  const conditions = props.slo.alerts.flatMap(a => a.conditions);
  const rows: Row[] = props.slo.burnRates.map(r => ({
    ...r,
    thresholds: conditions
      .filter(c => c.shortWindow === r.window || c.longWindow === r.window)
      .map(c => ({
        text: `${c.severity} > ${Number(c.factor.toFixed(2))}× (${
          c.shortWindow
        } and ${c.longWindow})`,
        exceeded: r.burnRate !== null && r.burnRate > c.factor,
      })),
  }));
  return (
    <DenseTable<Row>
      columns={[
        { title: 'Window', field: 'window' },
        {
          title: 'Error ratio',
          render: r => formatErrorRatio(r.errorRatio),
        },
        { title: 'Burn rate', render: r => formatBurnRate(r.burnRate) },
        {
          title: 'Alert thresholds',
          render: r =>
            r.thresholds.map(t => (
              <Typography
                key={t.text}
                variant="body2"
                color={t.exceeded ? 'error' : 'textSecondary'}
              >
                {t.exceeded ? 'above ' : ''}
                {t.text}
              </Typography>
            )),
        },
      ]}
      data={rows}
    />
  );
}
