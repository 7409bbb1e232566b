import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { Incident, IncidentStatus } from '@gantry/plugin-gantry-common';
import { Chip, Link } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { useEntityRef } from '../shared/useEntityRef';
import { IncidentDialog } from './IncidentDialog';

const STATUS_COLOR: Record<IncidentStatus, string> = {
  open: '#c62828',
  acknowledged: '#ef6c00',
  resolved: '#2e7d32',
};

/** When it started and which release is suspected, as every incident list shows them. */
export const whenAndSuspectColumns: TableColumn<Incident>[] = [
  {
    title: 'Started',
    render: i => new Date(i.startedAt).toLocaleString(),
  },
  {
    title: 'Suspect release',
    render: i =>
      i.suspect
        ? `${i.suspect.revision.split(',')[0].slice(0, 7)} (${
            i.suspect.environment
          })`
        : '—',
  },
];

export function incidentColumns(
  open: (id: string) => void,
): TableColumn<Incident>[] {
  return [
    {
      title: 'Status',
      render: i => (
        <Chip
          size="small"
          label={i.status}
          style={{ backgroundColor: STATUS_COLOR[i.status], color: '#fff' }}
        />
      ),
    },
    {
      title: 'Incident',
      render: i => (
        <Link
          component="button"
          variant="body2"
          align="left"
          onClick={() => open(i.id)}
        >
          {i.title}
        </Link>
      ),
    },
    ...whenAndSuspectColumns,
  ];
}

/** The entity's incidents, opened from Alertmanager alerts; open ones first. */
export function IncidentsCard() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const [selected, setSelected] = useState<string>();
  const state = useAsyncRetry(async () => {
    const { items } = await api.listIncidents(ref);
    const rank = { open: 0, acknowledged: 1, resolved: 2 };
    return [...items].sort((a, b) => rank[a.status] - rank[b.status]);
  }, [api, ref]);
  const open = state.value?.filter(i => i.status !== 'resolved').length ?? 0;
  return (
    <AsyncCard
      title="Incidents"
      subheader={
        state.value ? `${open} open · from Alertmanager alerts` : undefined
      }
      {...state}
      isEmpty={items => items.length === 0}
      empty={{
        title: 'No incidents',
        description:
          "Alerts labelled gantry_entity with this entity's ref open incidents here when Alertmanager sends them to /api/gantry/alerts/alertmanager.",
      }}
    >
      {items => (
        <>
          <DenseTable columns={incidentColumns(setSelected)} data={items} />
          {selected && (
            <IncidentDialog
              id={selected}
              onClose={() => {
                setSelected(undefined);
                state.retry();
              }}
            />
          )}
        </>
      )}
    </AsyncCard>
  );
}
