import type { TableColumn } from '@backstage/core-components';
import type {
  CanaryMetricClassification,
  CanaryMetricResult,
} from '@gantry/plugin-gantry-common';
import { Chip, Typography } from '@material-ui/core';
import { DenseTable } from '../shared/DenseTable';
import {
  formatMetric,
  formatNumber,
  formatPValue,
  formatShift,
} from './format';

const CLASSIFICATION_COLORS: Record<
  CanaryMetricClassification,
  'default' | 'primary' | 'secondary'
> = {
  Pass: 'primary',
  High: 'secondary',
  Low: 'secondary',
  NoData: 'default',
  Error: 'secondary',
};

const DIRECTION: Record<CanaryMetricResult['direction'], string> = {
  increase: 'an increase is bad',
  decrease: 'a decrease is bad',
  either: 'any change is bad',
};

const columns: TableColumn<CanaryMetricResult>[] = [
  {
    title: 'Metric',
    render: m => (
      <>
        <Typography variant="body2">{m.name}</Typography>
        <Typography variant="caption" color="textSecondary">
          {m.group} · {DIRECTION[m.direction]}
          {m.critical ? ' · critical' : ''}
          {m.muted ? ' · muted' : ''}
        </Typography>
      </>
    ),
  },
  {
    title: 'Result',
    render: m => (
      <Chip
        size="small"
        label={m.classification}
        color={CLASSIFICATION_COLORS[m.classification]}
      />
    ),
  },
  {
    title: 'Baseline → canary (mean)',
    render: m =>
      `${formatMetric(m.baseline.mean, m.unit)} → ${formatMetric(
        m.canary.mean,
        m.unit,
      )}`,
  },
  {
    title: 'Shift and interval',
    render: m =>
      m.statistics ? (
        <>
          <Typography variant="body2">
            {formatShift(m.statistics.estimate, m.unit)}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {Math.round(m.statistics.confidenceLevel * 100)} %:{' '}
            {formatShift(m.statistics.lower, m.unit)} …{' '}
            {formatShift(m.statistics.upper, m.unit)}
          </Typography>
        </>
      ) : (
        '—'
      ),
  },
  {
    title: 'Threshold',
    render: m =>
      m.statistics ? (
        <>
          <Typography variant="body2">
            ±{formatMetric(m.statistics.tolerance.upper, m.unit)}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {m.statistics.effectSize.measure === 'cles' ? 'CLES' : 'ratio'}{' '}
            {formatNumber(m.statistics.effectSize.value)} (allowed{' '}
            {formatNumber(m.statistics.effectSize.allowedDecrease)}–
            {formatNumber(m.statistics.effectSize.allowedIncrease)})
          </Typography>
        </>
      ) : (
        '—'
      ),
  },
  {
    title: 'Statistic',
    render: m =>
      m.statistics
        ? `U = ${formatNumber(m.statistics.u)}, p ${
            m.statistics.pValue < 0.0001 ? '' : '= '
          }${formatPValue(m.statistics.pValue)}`
        : '—',
  },
  {
    title: 'Limit',
    render: m =>
      m.guard ? (
        <Typography
          variant="body2"
          color={m.guard.passed ? 'textPrimary' : 'error'}
        >
          {m.guard.passed ? 'met' : 'broken'}: {m.guard.description}
        </Typography>
      ) : (
        '—'
      ),
  },
  {
    title: 'Why',
    width: '30%',
    render: m => <Typography variant="body2">{m.reason}</Typography>,
  },
];

/** One row per metric: the distributions' means, the test, the threshold and the sentence saying why. */
export function MetricTable({ metrics }: { metrics: CanaryMetricResult[] }) {
  return <DenseTable columns={columns} data={metrics} />;
}
