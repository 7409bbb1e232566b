import { Content, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  RolloutAttentionItem,
  RolloutAttentionView,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Chip,
  FormControlLabel,
  Switch,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { RolloutProgress } from '../Pipeline/RolloutProgress';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';

const REASON: Record<
  RolloutAttentionItem['reason'],
  { label: string; color: string }
> = {
  'awaiting-promotion': { label: 'awaiting promotion', color: '#1565c0' },
  'analysis-running': { label: 'analysis running', color: '#6a1b9a' },
  'analysis-failed': {
    label: 'analysis failed or inconclusive',
    color: '#c62828',
  },
};

const columns: TableColumn<RolloutAttentionItem>[] = [
  {
    title: 'Entity',
    render: i => (
      <EntityRefLink entityRef={i.entityRef} defaultKind="component" />
    ),
  },
  { title: 'Environment', field: 'environment' },
  {
    title: 'Rollout',
    render: i =>
      `${i.rollout.cluster}/${i.rollout.namespace}/${i.rollout.name}${
        i.rollout.release ? ` · ${i.rollout.release}` : ''
      }`,
  },
  {
    title: 'Why it waits',
    render: i => (
      <Chip
        size="small"
        label={REASON[i.reason].label}
        style={{ backgroundColor: REASON[i.reason].color, color: '#fff' }}
      />
    ),
  },
  {
    title: 'Progress',
    render: i => (
      <Box minWidth={220}>
        <RolloutProgress rollout={i.rollout} />
      </Box>
    ),
  },
];

/**
 * What the backend adds to the view: when the state was read from Argo CD and
 * Kubernetes, and entities not read yet. (Optional: older backends send neither.)
 */
type AttentionPage = RolloutAttentionView & {
  refreshedAt?: string;
  refreshSeconds?: number;
  entities?: number;
  complete?: boolean;
  unread?: string[];
};

function age(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/**
 * Every rollout waiting for someone: paused for promotion, or on an analysis, across
 * the namespaces and clusters of the entities the user owns (or all they can see).
 * Promote or abort from the entity's Delivery tab, where the gate and approvals apply.
 */
export function RolloutsPage() {
  const api = useApi(gantryApiRef);
  // The scope lives in the URL so a link to ?scope=all opens on everyone's rollouts.
  const [params, setParams] = useSearchParams();
  const all = params.get('scope') === 'all';
  const setAll = (v: boolean) =>
    setParams(
      p => {
        const next = new URLSearchParams(p);
        if (v) next.set('scope', 'all');
        else next.delete('scope');
        return next;
      },
      { replace: true },
    );
  const state = useAsyncRetry(
    () =>
      api.getRolloutAttention(all ? 'all' : 'owned') as Promise<AttentionPage>,
    [api, all],
  );
  return (
    <Content>
      <AsyncCard<AttentionPage>
        title="Rollouts waiting for someone"
        subheader={
          all
            ? 'Every entity you can see'
            : 'Entities owned by you or your groups'
        }
        {...state}
        isEmpty={v =>
          v.items.length === 0 &&
          v.errors.length === 0 &&
          (v.unread ?? []).length === 0
        }
        empty={{
          title: 'Nothing is waiting',
          description: all
            ? 'No rollout is paused for promotion or on analysis.'
            : 'No rollout of an entity you own is paused. Switch on "All entities" to see everyone\'s.',
        }}
        action={
          <FormControlLabel
            control={<Switch checked={all} onChange={(_, v) => setAll(v)} />}
            label="All entities"
          />
        }
      >
        {v => (
          <>
            {v.errors.map(e => (
              <Alert severity="warning" key={`${e.entityRef}${e.message}`}>
                {e.entityRef}: {e.message}
              </Alert>
            ))}
            {v.unread && v.unread.length > 0 && (
              <Alert severity="info">
                Not read yet (added since the last refresh):{' '}
                {v.unread.join(', ')}
              </Alert>
            )}
            <Typography variant="body2" color="textSecondary">
              Longest waiting first. Open the entity to promote or abort.
              {v.refreshedAt &&
                ` Read from Argo CD and Kubernetes ${age(v.refreshedAt)}${
                  v.refreshSeconds ? `, every ${v.refreshSeconds} s` : ''
                }${
                  v.entities !== undefined ? `, ${v.entities} entities` : ''
                }.`}
            </Typography>
            <DenseTable columns={columns} data={v.items} />
          </>
        )}
      </AsyncCard>
    </Content>
  );
}
