import { useApi } from '@backstage/core-plugin-api';
import type {
  CanaryAnalysis,
  CanaryVerdict,
} from '@gantry/plugin-gantry-common';
import { Box, Chip, Grid, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { DistributionChart } from './DistributionChart';
import { MetricTable } from './MetricTable';
import { SelectField } from '../shared/SelectField';
import { TraceLink } from '../TraceLink/TraceLink';

const VERDICT_COLORS: Record<CanaryVerdict, string> = {
  Pass: '#2e7d32',
  Marginal: '#ed6c02',
  Fail: '#c62828',
  Error: '#6d4c41',
};

const label = (a: CanaryAnalysis) =>
  `${a.rollout.namespace}/${a.rollout.name} step ${a.step} · canary ${
    a.canaryHash
  } · ${a.verdict} · ${new Date(a.createdAt).toLocaleString('en-GB', {
    timeZone: 'UTC',
  })} UTC`;

function AnalysisDetail({ analysis }: { analysis: CanaryAnalysis }) {
  return (
    <>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
        <Chip
          label={`${analysis.verdict} · score ${analysis.score}`}
          style={{
            backgroundColor: VERDICT_COLORS[analysis.verdict],
            color: '#fff',
          }}
        />
        <Typography variant="caption" color="textSecondary">
          pass ≥ {analysis.thresholds.pass}, marginal ≥{' '}
          {analysis.thresholds.marginal}; window {analysis.window.start} –{' '}
          {analysis.window.end} every {analysis.window.stepSeconds} s; baseline{' '}
          {analysis.baselineHash}
        </Typography>
        <TraceLink url={analysis.traceUrl} label="Traces of this window" />
      </Box>
      <Typography variant="body1" paragraph data-testid="canary-reason">
        {analysis.reason}
      </Typography>
      {analysis.metrics.length > 0 && (
        <>
          <MetricTable metrics={analysis.metrics} />
          <Grid container spacing={2} style={{ marginTop: 8 }}>
            {analysis.metrics
              .filter(m => m.baseline.count + m.canary.count > 0)
              .map(m => (
                <Grid item xs={12} md={6} lg={4} key={m.name}>
                  <Typography variant="subtitle2">
                    {m.name}: {m.classification}
                  </Typography>
                  <DistributionChart metric={m} />
                </Grid>
              ))}
          </Grid>
        </>
      )}
    </>
  );
}

/** The entity's canary analyses: verdict, why, and per metric the distributions and the test. */
export function CanaryAnalysisCard() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const { value, loading, error, retry } = useAsyncRetry(
    async () => api.listCanaryAnalyses(ref),
    [api, ref],
  );
  const [selectedId, setSelectedId] = useState<string>();
  const selected = value?.find(a => a.id === selectedId) ?? value?.[0];

  return (
    <AsyncCard
      title="Canary analysis"
      subheader="Mann–Whitney judge of canary against baseline, per rollout step"
      loading={loading}
      error={error}
      value={value}
      retry={retry}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No canary analyses yet',
        description:
          'Analyses appear when an Argo Rollouts analysis step calls Gantry’s web metric (POST …/canary/analyses), as the scaffolded AnalysisTemplate does.',
      }}
      action={
        value && value.length > 1 && selected ? (
          <SelectField
            size="small"
            label="Analysis"
            value={selected.id}
            onChange={e => setSelectedId(e.target.value)}
            options={value.map(a => ({ value: a.id, label: label(a) }))}
          />
        ) : undefined
      }
    >
      {() => (selected ? <AnalysisDetail analysis={selected} /> : null)}
    </AsyncCard>
  );
}
