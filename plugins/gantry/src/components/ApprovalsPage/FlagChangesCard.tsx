import { Link, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { FlagChangeRequest } from '@gantry/plugin-gantry-common';
import { Button } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { useAlertedAction } from '../shared/useEntityActions';

const flagsTab = (entityRef: string) => {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/flags`;
};

/** Production flag changes (four eyes) and kill switches to review, across entities. */
export function FlagChangesCard() {
  const api = useApi(gantryApiRef);
  const state = useAsyncRetry(() => api.listAwaitingFlagChanges(), [api]);
  const { busy, run } = useAlertedAction();

  const decide = async (
    c: FlagChangeRequest,
    decision: 'approve' | 'reject',
  ) => {
    await run(
      () =>
        api.decideFlagChange(
          parseEntityRef(c.entityRef),
          c.id,
          decision,
          decision === 'reject'
            ? 'Rejected from the Approvals page'
            : undefined,
        ),
      `${decision === 'approve' ? 'Approved' : 'Rejected'}: ${c.key} in ${
        c.environment
      }.`,
    );
    state.retry();
  };

  const columns: TableColumn<FlagChangeRequest>[] = [
    {
      title: 'Entity',
      render: c => (
        <EntityRefLink entityRef={c.entityRef} defaultKind="component" />
      ),
    },
    {
      title: 'Change',
      render: c => `${c.operation} ${c.target} ${c.key} in ${c.environment}`,
    },
    { title: 'Why', field: 'reason' },
    { title: 'By', field: 'requestedBy' },
    {
      title: 'Decide',
      render: c =>
        c.operation === 'kill' ? (
          <Link to={flagsTab(c.entityRef)}>Review on the Flags tab</Link>
        ) : (
          <>
            <Button
              size="small"
              color="primary"
              variant="contained"
              disabled={busy}
              onClick={() => decide(c, 'approve')}
            >
              Approve
            </Button>{' '}
            <Button
              size="small"
              variant="outlined"
              disabled={busy}
              onClick={() => decide(c, 'reject')}
            >
              Reject
            </Button>
          </>
        ),
    },
  ];

  return (
    <AsyncCard
      title="Flag changes awaiting you"
      subheader="Changes in approval environments need another owner; kill switches need a review afterwards"
      {...state}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No flag change awaits you',
        description:
          'Changes by another member of a group you belong to appear here.',
      }}
    >
      {items => <DenseTable columns={columns} data={items} />}
    </AsyncCard>
  );
}
