import type { TableColumn } from '@backstage/core-components';
import type {
  FlagCleanupReport,
  StaleFlag,
} from '@gantry/plugin-gantry-common';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';

const columns: TableColumn<StaleFlag>[] = [
  { title: 'Flag', field: 'key' },
  { title: 'Environment', field: 'environment' },
  { title: 'Type', field: 'type' },
  { title: 'Owner', field: 'owner' },
  { title: 'Why it looks stale', render: s => s.reasons.join('; ') },
];

/** Flags that expired, serve one variant to everyone, or are no longer evaluated. */
export function CleanupCard(props: {
  loading: boolean;
  error?: Error;
  value?: FlagCleanupReport;
  retry: () => void;
}) {
  return (
    <AsyncCard<FlagCleanupReport>
      title="Cleanup report"
      subheader={
        props.value &&
        `Fully rolled out for ${props.value.thresholds.fullyRolledOutDays} days or not evaluated for ${props.value.thresholds.notEvaluatedDays} days counts as stale.`
      }
      {...props}
      isEmpty={v => v.items.length === 0}
      empty={{
        title: 'No stale flags',
        description:
          'Every flag is within its expiry, still rolling out and still evaluated.',
      }}
    >
      {report => (
        <DenseTable<StaleFlag> columns={columns} data={report.items} />
      )}
    </AsyncCard>
  );
}
