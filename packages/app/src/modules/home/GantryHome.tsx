import { Link, Progress, WarningPanel } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';
import { attentionRows, type AttentionRow } from './attention';

const PAGES = [
  {
    to: '/gantry/approvals',
    title: 'Approvals',
    text: 'Promotions waiting for your decision',
  },
  {
    to: '/gantry/rollouts',
    title: 'Rollouts',
    text: 'Canaries paused for promotion or on analysis',
  },
  {
    to: '/gantry/on-call',
    title: 'On call',
    text: 'Open incidents of what you own, with the suspect release',
  },
  {
    to: '/catalog',
    title: 'Catalog',
    text: 'Every service; open one (e.g. Checkout) for its Delivery, Compliance and Flags tabs',
  },
];

/** Links to Gantry's own pages. */
export function GantryPages() {
  return (
    <List dense>
      {PAGES.map(p => (
        <ListItem key={p.to}>
          <ListItemText
            primary={<Link to={p.to}>{p.title}</Link>}
            secondary={p.text}
          />
        </ListItem>
      ))}
    </List>
  );
}

/** Entities of the user's that need someone now: incidents, approvals, rollouts. */
export function NeedsAttention() {
  const discovery = useApi(discoveryApiRef);
  const { fetch } = useApi(fetchApiRef);
  const [state, setState] = useState<{
    loading: boolean;
    error?: Error;
    value?: AttentionRow[];
  }>({ loading: true });
  useEffect(() => {
    let live = true;
    (async () => {
      const base = await discovery.getBaseUrl('gantry');
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`);
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
        return res.json();
      };
      const [incidents, awaiting, rollouts] = await Promise.all([
        get('/incidents/on-call'),
        get('/promotions/awaiting'),
        get('/rollouts/attention'),
      ]);
      return attentionRows({
        incidents: incidents.items,
        awaiting: awaiting.items,
        rollouts: rollouts.items,
      });
    })().then(
      value => live && setState({ loading: false, value }),
      error => live && setState({ loading: false, error }),
    );
    return () => {
      live = false;
    };
  }, [discovery, fetch]);

  if (state.loading) return <Progress />;
  if (state.error)
    return (
      <WarningPanel title="Could not read what needs attention">
        {state.error.message}
      </WarningPanel>
    );
  const rows = state.value ?? [];
  if (rows.length === 0)
    return (
      <Typography variant="body2">
        Nothing of yours needs attention: no open incident, no approval waiting
        on you, no paused rollout.
      </Typography>
    );
  return (
    <List dense>
      {rows.map(r => (
        <ListItem key={`${r.entityRef}${r.why}`}>
          <ListItemText
            primary={<Link to={r.href}>{r.entityRef}</Link>}
            secondary={r.why}
          />
        </ListItem>
      ))}
    </List>
  );
}
