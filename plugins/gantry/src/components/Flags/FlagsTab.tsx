import { useApi } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { CleanupCard } from './CleanupCard';
import { ExperimentCard } from './ExperimentCard';
import { ClientKeysCard } from './ClientKeysCard';
import { FlagChangesCard } from './FlagChangesCard';
import { FlagHistoryCard } from './FlagHistoryCard';
import { FlagsCard } from './FlagsCard';
import { SegmentsCard } from './SegmentsCard';
import { UsageCard } from './UsageCard';

/** The Flags tab: flags per environment, approvals and kill reviews, client keys, cleanup. */
export function FlagsTab() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const overview = useAsyncRetry(() => api.getOverview(ref), [api, ref]);
  const flags = useAsyncRetry(() => api.listFlags(ref), [api, ref]);
  const changes = useAsyncRetry(() => api.listFlagChanges(ref), [api, ref]);
  const keys = useAsyncRetry(() => api.listFlagClientKeys(ref), [api, ref]);
  const segments = useAsyncRetry(() => api.listFlagSegments(ref), [api, ref]);
  const history = useAsyncRetry(() => api.getFlagHistory(ref), [api, ref]);
  const cleanup = useAsyncRetry(
    () => api.getFlagCleanupReport(ref),
    [api, ref],
  );

  if (!overview.value) {
    return (
      <AsyncCard
        title="Feature flags"
        {...overview}
        empty={{ title: 'No environments', description: '' }}
      >
        {() => null}
      </AsyncCard>
    );
  }
  const { environments, approvalEnvironments } = overview.value;
  const refreshAfterChange = () => {
    flags.retry();
    changes.retry();
    cleanup.retry();
    history.retry();
  };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <FlagsCard
          environments={environments}
          approvalEnvironments={approvalEnvironments}
          {...flags}
          retry={refreshAfterChange}
        />
      </Grid>
      <Grid item xs={12}>
        <FlagChangesCard {...changes} onApplied={refreshAfterChange} />
      </Grid>
      <Grid item xs={12}>
        <SegmentsCard
          environments={environments}
          {...segments}
          retry={() => {
            segments.retry();
            refreshAfterChange();
          }}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ClientKeysCard environments={environments} {...keys} />
      </Grid>
      <Grid item xs={12} md={6}>
        <CleanupCard {...cleanup} />
      </Grid>
      <Grid item xs={12}>
        <ExperimentCard
          flags={flags.value ?? []}
          onRolledOut={refreshAfterChange}
        />
      </Grid>
      <Grid item xs={12}>
        <UsageCard environments={environments} />
      </Grid>
      <Grid item xs={12}>
        <FlagHistoryCard {...history} />
      </Grid>
    </Grid>
  );
}
