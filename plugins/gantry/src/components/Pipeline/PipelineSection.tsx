import { EmptyState, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Grid, Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import { ErrorWithRetry } from '../shared/ErrorWithRetry';
import { Snippet } from '../shared/Snippet';
import { gantryApiRef } from '../../api/GantryApi';
import { useEntityRef } from '../shared/useEntityRef';
import { EnvironmentCard } from './EnvironmentCard';

const CONFIG = `gantry:
  argocd:
    instances:
      - name: main
        url: https://argocd.example.com
        token: \${ARGOCD_TOKEN}
  kubernetes:
    clusters:
      - name: production
        url: https://kubernetes.example.com
        serviceAccountToken: \${K8S_SA_TOKEN}`;

/** The pipeline, environment cards left to right in promotion order. */
export function PipelineSection() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const annotations = useEntity().entity.metadata.annotations ?? {};
  const selector = annotations[ANNOTATIONS.argocdAppSelector];
  const appName = annotations[ANNOTATIONS.argocdAppName];
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getDeployments(ref),
    [api, ref],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ErrorWithRetry
        error={error}
        title="Could not load the deployment pipeline"
        retry={retry}
      />
    );
  }
  if (!value) return null;
  if (!value.configured.argocd) {
    return (
      <EmptyState
        missing="info"
        title="No Argo CD is configured"
        description="Gantry reads deployments from Argo CD and rollouts from the Kubernetes API. Add them to app-config.yaml:"
        action={<Snippet language="yaml" text={CONFIG} />}
      />
    );
  }
  return (
    <>
      {value.errors.length > 0 && (
        <WarningPanel
          severity="warning"
          title="Part of the pipeline could not be read"
        >
          {value.errors.map(e => (
            <Typography key={`${e.source}${e.message}`} variant="body2">
              {e.source}: {e.message}
            </Typography>
          ))}
        </WarningPanel>
      )}
      {value.applications.length === 0 ? (
        <EmptyState
          missing="data"
          title={
            selector
              ? `No application found for selector ${selector}`
              : `No application found named ${appName ?? '(no annotation)'}`
          }
          description={`Check the ${
            selector ? ANNOTATIONS.argocdAppSelector : ANNOTATIONS.argocdAppName
          } annotation against the Argo CD applications' ${
            selector ? 'labels' : 'names'
          }.`}
        />
      ) : (
        <Box mt={1}>
          <Grid
            container
            spacing={2}
            wrap="nowrap"
            style={{ overflowX: 'auto' }}
          >
            {value.applications.map(app => (
              <Grid
                item
                xs={12}
                md={6}
                lg={4}
                key={`${app.instance}/${app.name}`}
                style={{ minWidth: 360 }}
              >
                <EnvironmentCard app={app} onChange={retry} />
              </Grid>
            ))}
          </Grid>
        </Box>
      )}
    </>
  );
}
