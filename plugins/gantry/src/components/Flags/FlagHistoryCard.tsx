import type { TableColumn } from '@backstage/core-components';
import type { FlagHistoryEntry } from '@gantry/plugin-gantry-common';
import { Typography } from '@material-ui/core';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { historyLines } from './flagDiff';

const columns: TableColumn<FlagHistoryEntry>[] = [
  { title: 'When', render: e => new Date(e.occurredAt).toLocaleString() },
  { title: 'Who', field: 'actor' },
  { title: 'What', field: 'action' },
  {
    title: 'Flag',
    render: e => (e.key ? `${e.key} (${e.environment})` : e.environment),
  },
  { title: 'Why', field: 'reason' },
  {
    title: 'Changes',
    render: e =>
      historyLines(e).map(line => (
        <Typography key={line} variant="caption" display="block">
          {line}
        </Typography>
      )),
  },
];

/** Who changed which flag, when, why, and what exactly changed (from the audit log). */
export function FlagHistoryCard(props: {
  loading: boolean;
  error?: Error;
  value?: FlagHistoryEntry[];
  retry: () => void;
}) {
  return (
    <AsyncCard<FlagHistoryEntry[]>
      title="Flag history"
      {...props}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No flag changes recorded',
        description: 'Every flag change is recorded here and in the audit log.',
      }}
    >
      {items => <DenseTable<FlagHistoryEntry> columns={columns} data={items} />}
    </AsyncCard>
  );
}
