import { useApi } from '@backstage/core-plugin-api';
import type { EntityCapacity } from '@gantry/plugin-gantry-common';
import { Button } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { EnvironmentHeadroom } from './EnvironmentHeadroom';
import { HeadroomChart } from './HeadroomChart';

/** CPU, memory and HPA headroom per environment from Prometheus, with exhaustion forecasts. */
export function CapacityCard() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const state = useAsyncRetry(() => api.getCapacity(ref), [api, ref]);
  const v = state.value;
  return (
    <AsyncCard<EntityCapacity>
      title="Capacity headroom"
      subheader={
        v && !v.error
          ? `Container ${v.container} · forecasts from the trend of the last ${v.forecastWindow} (once an hour of history exists)`
          : undefined
      }
      {...state}
      isEmpty={c => !c.error && c.environments.length === 0}
      empty={{
        title: 'No capacity data',
        description: v?.emptyReason ?? 'Prometheus returned nothing.',
      }}
    >
      {c =>
        c.error ? (
          <Alert
            severity="warning"
            action={
              <Button color="inherit" size="small" onClick={state.retry}>
                Retry
              </Button>
            }
          >
            Capacity is unavailable: {c.error}
          </Alert>
        ) : (
          <>
            <HeadroomChart environments={c.environments} />
            {c.environments.map(e => (
              <EnvironmentHeadroom
                key={e.namespace}
                env={e}
                window={c.forecastWindow}
              />
            ))}
          </>
        )
      }
    </AsyncCard>
  );
}
