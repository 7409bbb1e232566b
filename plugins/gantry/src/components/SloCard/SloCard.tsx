import { useApi } from '@backstage/core-plugin-api';
import type { EntitySlos } from '@gantry/plugin-gantry-common';
import { Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { useEntityRef } from '../shared/useEntityRef';
import { RulesDialog } from './RulesDialog';
import { SloPanel } from './SloPanel';

function Unavailable(props: { value: EntitySlos; retry: () => void }) {
  const { value } = props;
  return (
    <>
      <Alert
        severity="warning"
        action={
          <Button color="inherit" size="small" onClick={props.retry}>
            Retry
          </Button>
        }
      >
        Error budgets are unavailable: {value.error}
      </Alert>
      {value.definitions.map(d => (
        <Typography
          key={d.id}
          variant="body2"
          style={{ marginTop: 8 }}
          data-testid={`slo-definition-${d.id}`}
        >
          <strong>{d.name}</strong> · {d.objective} % over {d.period}
          {d.description ? ` · ${d.description}` : ''}
        </Typography>
      ))}
    </>
  );
}

/** Error budgets and multiwindow burn rates of the entity's SLOs, from Prometheus. */
export function SloCard() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const state = useAsyncRetry(() => api.getSlos(ref), [api, ref]);
  return (
    <AsyncCard<EntitySlos>
      title="Service level objectives"
      subheader={
        state.value?.source ? `Spec: ${state.value.source}` : undefined
      }
      {...state}
      isEmpty={v => v.definitions.length === 0}
      empty={{
        title: 'No SLOs declared',
        description:
          'Point the gantry.dev/slo-spec annotation at a Sloth prometheus/v1 or OpenSLO v1 file in the service repository, or put the spec inline in gantry.dev/slos.',
      }}
      action={state.value?.definitions.length ? <RulesDialog /> : undefined}
    >
      {v =>
        v.error ? (
          <Unavailable value={v} retry={state.retry} />
        ) : (
          v.slos.map(s => <SloPanel key={s.id} slo={s} />)
        )
      }
    </AsyncCard>
  );
}
