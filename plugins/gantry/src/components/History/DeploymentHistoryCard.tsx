import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  DeploymentOutcome,
  DeploymentRecord,
} from '@gantry/plugin-gantry-common';
import { Button, Chip, Tooltip } from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { useEntityRef } from '../shared/useEntityRef';
import { formatDuration } from './format';
import { TraceLink } from '../TraceLink/TraceLink';

const OUTCOME_COLOR: Record<DeploymentOutcome, string> = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  aborted: '#ef6c00',
  running: '#1565c0',
};

const columns: TableColumn<DeploymentRecord>[] = [
  {
    title: 'Started',
    field: 'startedAt',
    render: d => new Date(d.startedAt).toLocaleString(),
  },
  { title: 'Environment', field: 'environment' },
  {
    title: 'Revision',
    render: d => (
      <Tooltip title={d.revision}>
        <code>{d.revision.split(',')[0].slice(0, 7)}</code>
      </Tooltip>
    ),
  },
  {
    title: 'Outcome',
    render: d => (
      <Chip
        size="small"
        label={d.rollback ? `${d.outcome} (rollback)` : d.outcome}
        style={{ backgroundColor: OUTCOME_COLOR[d.outcome], color: '#fff' }}
      />
    ),
  },
  {
    title: 'Duration',
    render: d =>
      d.finishedAt
        ? formatDuration(
            (Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000,
          )
        : '—',
  },
  {
    title: 'By',
    render: d =>
      `${d.initiator ?? 'automated'}${
        d.manualIntervention ? ' · manual step' : ''
      }`,
  },
  { title: 'Traces', render: d => <TraceLink url={d.traceUrl} /> },
];

/** Every deployment Gantry has kept for the entity, newest first, older pages on demand. */
export function DeploymentHistoryCard() {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const [older, setOlder] = useState<DeploymentRecord[]>([]);
  const [next, setNext] = useState<string>();
  const state = useAsyncRetry(async () => {
    const page = await api.getDeploymentHistory(ref, { limit: 20 });
    setOlder([]);
    setNext(page.nextBefore);
    return page.items;
  }, [api, ref]);

  const loadMore = async () => {
    const page = await api.getDeploymentHistory(ref, {
      limit: 20,
      before: next,
    });
    setOlder(o => [...o, ...page.items]);
    setNext(page.nextBefore);
  };

  return (
    <AsyncCard
      title="Deployment history"
      subheader="Kept beyond Argo CD's own history; fed by notifications and Argo CD history"
      {...state}
      isEmpty={items => items.length === 0}
      empty={{
        title: 'No deployments recorded yet',
        description:
          'Deployments appear once Argo CD has synced an application of this entity, or when its notification webhook reports one (see the README).',
      }}
    >
      {items => (
        <>
          <DenseTable
            columns={columns}
            data={[...items, ...older]}
            pageSize={50}
          />
          {next && <Button onClick={loadMore}>Show older deployments</Button>}
        </>
      )}
    </AsyncCard>
  );
}
