import type { TableColumn } from '@backstage/core-components';
import type { PromotionRequest } from '@gantry/plugin-gantry-common';
import { Chip } from '@material-ui/core';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';

const COLOR: Record<string, 'default' | 'primary' | 'secondary'> = {
  approved: 'primary',
  emergency: 'secondary',
};

const columns: TableColumn<PromotionRequest>[] = [
  { title: 'Release', field: 'version' },
  { title: 'Into', field: 'environment' },
  {
    title: 'Status',
    render: p => (
      <Chip
        size="small"
        color={COLOR[p.status] ?? 'default'}
        label={p.emergency ? `emergency, review ${p.reviewStatus}` : p.status}
      />
    ),
  },
  { title: 'Requested by', field: 'requestedBy' },
  { title: 'Reason', field: 'reason' },
  {
    title: 'Decisions',
    render: p =>
      p.decisions.length
        ? p.decisions
            .map(
              d =>
                `${d.decision === 'approve' ? 'approved' : 'rejected'} by ${
                  d.decidedBy
                }${d.comment ? `: ${d.comment}` : ''}`,
            )
            .join('; ')
        : `${p.requiredApprovals} approval(s) needed`,
  },
  { title: 'Requested', render: p => new Date(p.createdAt).toLocaleString() },
];

export function PromotionsCard(props: {
  loading: boolean;
  error?: Error;
  value?: PromotionRequest[];
  retry: () => void;
}) {
  return (
    <AsyncCard<PromotionRequest[]>
      title="Promotion requests"
      {...props}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No promotion requests yet',
        description:
          'Request a promotion from the quality gates card, or let your pipeline request one on behalf of whoever started it.',
      }}
    >
      {items => <DenseTable<PromotionRequest> columns={columns} data={items} />}
    </AsyncCard>
  );
}
