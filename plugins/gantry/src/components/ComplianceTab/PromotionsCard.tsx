import type { TableColumn } from '@backstage/core-components';
import { Link } from '@backstage/core-components';
import type {
  GitopsChange,
  PromotionRequest,
} from '@gantry/plugin-gantry-common';
import { Chip, Tooltip } from '@material-ui/core';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';

const COLOR: Record<string, 'default' | 'primary' | 'secondary'> = {
  approved: 'primary',
  emergency: 'secondary',
};

/** The Git change an approved promotion made: its pull request or commit, or why it failed. */
export function GitChange(props: { change?: GitopsChange }) {
  const c = props.change;
  if (!c) return null;
  if (c.status === 'failed')
    return (
      <Tooltip title={c.error ?? ''}>
        <Chip
          size="small"
          color="secondary"
          label={`Git change failed (attempt ${c.attempts})`}
        />
      </Tooltip>
    );
  if (c.status === 'pending') return <>writing to Git…</>;
  const number = c.url?.match(/\/(\d+)$/)?.[1];
  const label =
    c.status === 'proposed'
      ? `pull request${number ? ` #${number}` : ''}`
      : `commit ${c.commitSha?.slice(0, 7)}`;
  return c.url ? <Link to={c.url}>{label}</Link> : <>{label}</>;
}

const columns = (
  changes: Map<string, GitopsChange>,
): TableColumn<PromotionRequest>[] => [
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
  { title: 'Git', render: p => <GitChange change={changes.get(p.id)} /> },
  { title: 'Requested', render: p => new Date(p.createdAt).toLocaleString() },
];

export function PromotionsCard(props: {
  loading: boolean;
  error?: Error;
  value?: PromotionRequest[];
  retry: () => void;
  gitopsChanges?: GitopsChange[];
}) {
  const { gitopsChanges, ...card } = props;
  const changes = new Map((gitopsChanges ?? []).map(c => [c.requestId, c]));
  return (
    <AsyncCard<PromotionRequest[]>
      title="Promotion requests"
      {...card}
      isEmpty={v => v.length === 0}
      empty={{
        title: 'No promotion requests yet',
        description:
          'Request a promotion from the quality gates card, or let your pipeline request one on behalf of whoever started it.',
      }}
    >
      {items => (
        <DenseTable<PromotionRequest> columns={columns(changes)} data={items} />
      )}
    </AsyncCard>
  );
}
