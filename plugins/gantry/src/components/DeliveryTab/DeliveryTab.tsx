import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ErrorWithRetry } from '../shared/ErrorWithRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { CapabilityCard } from './CapabilityCard';
import { PipelineSection } from '../Pipeline';
import { DeploymentHistoryCard, DoraCard } from '../History';
import { IncidentsCard } from '../Incidents';
import { CanaryAnalysisCard } from '../CanaryAnalysis';
import { SloCard } from '../SloCard';
import { CapacityCard } from '../Capacity';

/** The Delivery tab: what Gantry can show for this entity and what it still needs. */
export function DeliveryTab() {
  const { entity } = useEntity();
  const api = useApi(gantryApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getOverview(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorWithRetry
        error={error}
        title="Could not load the delivery overview"
        retry={retry}
      />
    );
  }
  if (!value || value.configuredCount === 0) {
    return (
      <EmptyState
        missing="info"
        title="Gantry is not set up for this entity yet"
        description="None of Gantry's capabilities is ready. Each card below names the annotation or configuration to add."
        action={
          <Grid container spacing={2}>
            {value?.capabilities.map(c => (
              <Grid item xs={12} md={6} key={c.id}>
                <CapabilityCard capability={c} />
              </Grid>
            ))}
          </Grid>
        }
      />
    );
  }
  const deploymentsAnnotated = value.capabilities.some(
    c =>
      c.id === 'deployments' && c.missing.every(m => m.kind !== 'annotation'),
  );
  const analysisAnnotated = value.capabilities.some(
    c => c.id === 'analysis' && c.missing.every(m => m.kind !== 'annotation'),
  );
  const slosAnnotated = value.capabilities.some(
    c => c.id === 'slos' && c.missing.every(m => m.kind !== 'annotation'),
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="h6">
          {value.configuredCount} of {value.capabilities.length} delivery
          capabilities ready for {value.title}
        </Typography>
      </Grid>
      {deploymentsAnnotated && (
        <Grid item xs={12}>
          <Typography variant="h6">Pipeline</Typography>
          <PipelineSection />
        </Grid>
      )}
      {/* incidents come from SLO burn-rate alerts too, with or without Argo CD */}
      {(deploymentsAnnotated || slosAnnotated) && (
        <Grid item xs={12}>
          <IncidentsCard />
        </Grid>
      )}
      {deploymentsAnnotated && (
        <>
          <Grid item xs={12}>
            <DoraCard environments={value.environments} />
          </Grid>
          <Grid item xs={12}>
            <DeploymentHistoryCard />
          </Grid>
        </>
      )}
      {analysisAnnotated && (
        <Grid item xs={12}>
          <CanaryAnalysisCard />
        </Grid>
      )}
      {slosAnnotated && (
        <Grid item xs={12}>
          <SloCard />
        </Grid>
      )}
      {(deploymentsAnnotated || slosAnnotated) && (
        <Grid item xs={12}>
          <CapacityCard />
        </Grid>
      )}
      {value.capabilities.map(c => (
        <Grid item xs={12} md={6} lg={4} key={c.id}>
          <CapabilityCard capability={c} />
        </Grid>
      ))}
    </Grid>
  );
}
