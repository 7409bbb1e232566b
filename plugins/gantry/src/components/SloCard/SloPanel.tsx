import { Gauge } from '@backstage/core-components';
import type { SloStatus } from '@gantry/plugin-gantry-common';
import { Box, Grid, Typography } from '@material-ui/core';
import { AlertChips } from './AlertChips';
import { BudgetChart } from './BudgetChart';
import { BurnRateTable } from './BurnRateTable';
import { budgetForecast } from './budgetForecast';
import { formatMinutes, formatPercent } from './format';

/** One SLO: budget gauge, alert status, burn rates against thresholds, budget history. */
export function SloPanel(props: { slo: SloStatus }) {
  const { slo } = props;
  const remaining = slo.budget.remaining;
  return (
    <Box mb={3} data-testid={`slo-${slo.id}`}>
      <Typography variant="subtitle1" data-testid="slo-title">
        <strong>{slo.name}</strong> · {slo.objective} % over {slo.period}
        {slo.description ? ` · ${slo.description}` : ''}
      </Typography>
      {slo.sli === null ? (
        <Typography variant="body2" color="textSecondary">
          No data: Prometheus has no traffic for this SLO's queries in the last{' '}
          {slo.period}.
        </Typography>
      ) : null}
      <Grid container spacing={2} alignItems="flex-start">
        <Grid item xs={12} md={3}>
          <Box maxWidth={160} mx="auto">
            <Gauge
              value={Math.max(0, Math.min(1, remaining ?? 0))}
              fractional
              description={
                remaining === null ? 'no data' : 'error budget remaining'
              }
            />
          </Box>
          <Typography variant="body2" align="center" data-testid="budget-text">
            {remaining === null
              ? 'Budget unknown'
              : `${formatPercent(remaining)} left: ${formatMinutes(
                  slo.budget.remainingMinutes,
                )} of ${formatMinutes(slo.budget.totalMinutes)} at full outage`}
          </Typography>
          <Typography variant="body2" align="center" color="textSecondary">
            SLI {formatPercent(slo.sli, 3)} · burning{' '}
            {slo.currentBurnRate === null
              ? '—'
              : `${slo.currentBurnRate.toFixed(2)}×`}{' '}
            now
          </Typography>
          {budgetForecast(slo) ? (
            <Typography
              variant="body2"
              align="center"
              data-testid="budget-forecast"
            >
              {budgetForecast(slo)}
            </Typography>
          ) : null}
        </Grid>
        <Grid item xs={12} md={9}>
          <AlertChips alerts={slo.alerts} />
          <BurnRateTable slo={slo} />
        </Grid>
        <Grid item xs={12}>
          <BudgetChart slo={slo} />
        </Grid>
      </Grid>
    </Box>
  );
}
