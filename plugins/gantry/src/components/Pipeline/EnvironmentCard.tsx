import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { ApplicationView } from '@gantry/plugin-gantry-common';
import { Box, Chip, Divider, Typography } from '@material-ui/core';
import { ArgoCdActions } from './ArgoCdActions';
import { MigrationStep } from './MigrationStep';
import { RolloutCard } from './RolloutCard';

function Health({ status }: { status: string }) {
  if (status === 'Healthy') return <StatusOK>Healthy</StatusOK>;
  if (status === 'Degraded' || status === 'Missing')
    return <StatusError>{status}</StatusError>;
  if (status === 'Suspended' || status === 'Progressing')
    return <StatusWarning>{status}</StatusWarning>;
  return <StatusPending>{status}</StatusPending>;
}

/** One environment of the pipeline: Argo CD sync and health, the revision, and its rollouts. */
export function EnvironmentCard({
  app,
  onChange,
}: {
  app: ApplicationView;
  onChange: () => void;
}) {
  return (
    <InfoCard
      title={app.environment}
      subheader={`${app.name} · ${app.instance}`}
    >
      <Box
        display="flex"
        style={{ gap: 8 }}
        alignItems="center"
        flexWrap="wrap"
      >
        <Chip
          size="small"
          label={app.syncStatus}
          color={app.syncStatus === 'Synced' ? 'primary' : 'secondary'}
        />
        <Health status={app.healthStatus} />
        {app.demo && (
          <Chip
            size="small"
            variant="outlined"
            label="demo data"
            title="Served by the local demo fixture server, not a real Argo CD"
          />
        )}
      </Box>
      {app.healthMessage && (
        <Typography variant="caption" display="block">
          {app.healthMessage}
        </Typography>
      )}
      <Box mt={1}>
        {app.revisions.map(r => (
          <Typography key={r} variant="body2" component="div">
            <code>{r.length === 40 ? r.slice(0, 8) : r}</code>
          </Typography>
        ))}
        {app.commit?.message && (
          <Typography variant="body2">
            {app.commit.message}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              {' '}
              by {app.commit.author}
            </Typography>
          </Typography>
        )}
        {app.operation && (
          <Typography
            variant="caption"
            display="block"
            color={app.operation.phase === 'Failed' ? 'error' : 'textSecondary'}
          >
            Last sync {app.operation.phase.toLocaleLowerCase('en-US')}
            {app.operation.initiatedBy ? ` (${app.operation.initiatedBy})` : ''}
            {app.operation.message ? `: ${app.operation.message}` : ''}
          </Typography>
        )}
      </Box>
      {app.migration && <MigrationStep step={app.migration} />}
      <ArgoCdActions app={app} onDone={onChange} />
      {app.rollouts.map(r => (
        <Box key={`${r.cluster}/${r.namespace}/${r.name}`}>
          <Divider style={{ marginTop: 12 }} />
          <RolloutCard rollout={r} onChange={onChange} />
        </Box>
      ))}
    </InfoCard>
  );
}
