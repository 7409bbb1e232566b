import { Content, Link, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Alert } from '@material-ui/lab';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Incident } from '@gantry/plugin-gantry-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { whenAndSuspectColumns } from '../Incidents/IncidentsCard';

const delivery = (entityRef: string) => {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/delivery`;
};

const columns: TableColumn<Incident>[] = [
  {
    title: 'Entity',
    render: i => (
      <EntityRefLink entityRef={i.entityRef} defaultKind="component" />
    ),
  },
  {
    title: 'Incident',
    render: i => <Link to={delivery(i.entityRef)}>{i.title}</Link>,
  },
  { title: 'Status', field: 'status' },
  ...whenAndSuspectColumns,
  { title: 'Escalation level', field: 'escalationLevel' },
];

/** Open incidents across every entity the signed-in user (or their groups) owns. */
export function OnCallPage() {
  const api = useApi(gantryApiRef);
  const state = useAsyncRetry(() => api.listOnCallIncidents(), [api]);
  return (
    <Content>
      <AsyncCard
        title="On call"
        subheader="Open incidents of the entities you or your groups own"
        {...state}
        isEmpty={({ items }) => items.length === 0}
        empty={{
          title: 'Nothing is on fire',
          description: 'No open incident on an entity you own.',
        }}
      >
        {({ items, total, truncated }) => (
          <>
            {truncated && (
              <Alert severity="warning" data-testid="on-call-truncated">
                Showing {items.length} of {total} open incidents, the newest
                first. Acknowledge or resolve incidents to see the older ones,
                or open an entity's Delivery tab for all of its incidents.
              </Alert>
            )}
            <DenseTable columns={columns} data={items} />
          </>
        )}
      </AsyncCard>
    </Content>
  );
}
