import type { TableColumn } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  flagInputOf,
  gantryFlagKillPermission,
  gantryFlagUpdatePermission,
  type FeatureFlag,
} from '@gantry/plugin-gantry-common';
import {
  Box,
  Button,
  Chip,
  Switch,
  Tab,
  Tabs,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import {
  useAlertedAction,
  useEntityPermissions,
} from '../shared/useEntityActions';
import { useEntityRef } from '../shared/useEntityRef';
import { FlagEditDialog } from './FlagEditDialog';
import { dependentsOf, FlagPrerequisitesLine } from './FlagPrerequisitesLine';
import { FlagSloLine } from './FlagSloLine';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { ReasonDialog } from './ReasonDialog';
import { RolloutChart } from './RolloutChart';

const PERMISSIONS = {
  update: gantryFlagUpdatePermission,
  kill: gantryFlagKillPermission,
};

const enabled = (f: FeatureFlag) => f.definition.state === 'ENABLED';

/** The flags of one environment at a time, with toggle, edit and kill where the policy allows. */
export function FlagsCard(props: {
  environments: string[];
  approvalEnvironments: string[];
  loading: boolean;
  error?: Error;
  value?: FeatureFlag[];
  retry: () => void;
}) {
  const api = useApi(gantryApiRef);
  const alerts = useApi(alertApiRef);
  const ref = useEntityRef();
  const allowed = useEntityPermissions(PERMISSIONS);
  const { busy, run } = useAlertedAction();
  const [environment, setEnvironment] = useState(props.environments[0]);
  const [editing, setEditing] = useState<{ flag?: FeatureFlag }>();
  const [confirm, setConfirm] = useState<{
    flag: FeatureFlag;
    action: 'kill' | 'toggle' | 'restore';
  }>();
  const needsApproval = props.approvalEnvironments.includes(environment);

  const act = async (reason: string) => {
    const { flag, action } = confirm!;
    let ok: boolean;
    if (action === 'kill') {
      ok = await run(
        () => api.killFlag(ref, flag.environment, flag.key, reason),
        `${flag.key} now serves ${flag.safeVariant} everywhere in ${flag.environment}.`,
      );
    } else if (action === 'restore') {
      ok = await run(
        () =>
          api.restoreFlag(ref, flag.environment, flag.key, {
            baseVersion: flag.version,
            reason,
          }),
        needsApproval
          ? `Restoring ${flag.key} waits for approval by another owner.`
          : `${flag.key} serves its definition again in ${flag.environment}.`,
      );
    } else {
      const state = enabled(flag) ? 'DISABLED' : 'ENABLED';
      ok = await run(async () => {
        const result = await api.saveFlag(ref, flag.environment, flag.key, {
          flag: {
            ...flagInputOf(flag),
            definition: { ...flag.definition, state },
          },
          baseVersion: flag.version,
          reason,
        });
        if (result.status === 'stale') throw new Error(result.message);
      }, `${flag.key}: ${needsApproval ? `switching to ${state} waits for approval` : state}.`);
    }
    setConfirm(undefined);
    if (ok) props.retry();
  };

  const columns: TableColumn<FeatureFlag>[] = [
    { title: 'Flag', field: 'key' },
    {
      title: 'State',
      render: f =>
        f.killedAt ? (
          <Tooltip
            title={`by ${f.killedBy} at ${f.killedAt}${
              f.killedReason ? `: ${f.killedReason}` : ''
            }`}
          >
            <Chip
              size="small"
              color="secondary"
              label={`killed · serves ${f.safeVariant}`}
            />
          </Tooltip>
        ) : (
          <Switch
            size="small"
            color="primary"
            checked={enabled(f)}
            disabled={!allowed.update}
            inputProps={{ 'aria-label': `${f.key} enabled` }}
            onChange={() => setConfirm({ flag: f, action: 'toggle' })}
          />
        ),
    },
    { title: 'Type', field: 'type' },
    {
      title: 'Targeting',
      render: f => (
        <>
          {f.summary.targeting}
          <FlagPrerequisitesLine flag={f} />
          <FlagSloLine definition={f.definition} />
        </>
      ),
    },
    {
      title: 'Variants',
      render: f => Object.keys(f.definition.variants).join(', '),
    },
    {
      title: 'Owner',
      // "payments" rather than "group:default/payments": the column stays narrow
      render: f =>
        humanizeEntityRef(parseEntityRef(f.owner), { defaultKind: 'group' }),
    },
    {
      title: 'Expires',
      render: f => (f.expiresAt ? f.expiresAt.slice(0, 10) : '—'),
    },
    { title: 'Version', field: 'version' },
    {
      title: '',
      render: f => (
        <Box display="flex" style={{ gap: 4 }}>
          {allowed.update && (
            <Button size="small" onClick={() => setEditing({ flag: f })}>
              Edit
            </Button>
          )}
          {allowed.kill && !f.killedAt && (
            <Button
              size="small"
              color="secondary"
              onClick={() => setConfirm({ flag: f, action: 'kill' })}
            >
              Kill
            </Button>
          )}
          {allowed.update && f.killedAt && (
            <Button
              size="small"
              color="primary"
              onClick={() => setConfirm({ flag: f, action: 'restore' })}
            >
              Restore
            </Button>
          )}
        </Box>
      ),
    },
  ];

  const inEnvironment = (props.value ?? []).filter(
    f => f.environment === environment,
  );
  const target = confirm?.flag;
  const dependents = target ? dependentsOf(target.key, inEnvironment) : [];
  return (
    <AsyncCard<FeatureFlag[]>
      title="Feature flags"
      subheader={
        needsApproval
          ? `Changes in ${environment} need approval by another owner; the kill switch acts at once.`
          : undefined
      }
      {...props}
      action={
        allowed.update && (
          <Button
            color="primary"
            variant="outlined"
            onClick={() => setEditing({})}
          >
            New flag
          </Button>
        )
      }
      empty={{
        title: 'No flags yet',
        description:
          'Create a flag, then give your application a client key and point an OpenFeature OFREP provider at /api/gantry.',
      }}
      isEmpty={v => v.length === 0}
    >
      {() => (
        <>
          <Tabs
            value={environment}
            onChange={(_e, v) => setEnvironment(v)}
            indicatorColor="primary"
          >
            {props.environments.map(env => (
              <Tab key={env} value={env} label={env} />
            ))}
          </Tabs>
          {inEnvironment.length ? (
            <>
              <DenseTable<FeatureFlag> columns={columns} data={inEnvironment} />
              <RolloutChart flags={inEnvironment} />
            </>
          ) : (
            <Typography variant="body2" style={{ padding: 16 }}>
              No flags in {environment}.
            </Typography>
          )}
          {editing && (
            <FlagEditDialog
              open
              environment={environment}
              flag={editing.flag}
              flags={inEnvironment}
              onClose={() => setEditing(undefined)}
              onSaved={message => {
                setEditing(undefined);
                alerts.post({
                  message,
                  severity: 'success',
                  display: 'transient',
                });
                props.retry();
              }}
            />
          )}
          <ReasonDialog
            open={Boolean(confirm)}
            title={
              {
                kill: `Kill ${target?.key}?`,
                restore: `Restore ${target?.key}?`,
                toggle: `${target && enabled(target) ? 'Disable' : 'Enable'} ${
                  target?.key
                }?`,
              }[confirm?.action ?? 'toggle']
            }
            confirmLabel={
              {
                kill: 'Kill flag',
                restore: 'Restore flag',
                toggle: 'Confirm',
              }[confirm?.action ?? 'toggle']
            }
            danger={confirm?.action === 'kill'}
            busy={busy}
            onCancel={() => setConfirm(undefined)}
            onConfirm={act}
          >
            {confirm?.action === 'kill' && (
              <>
                Every client of {target?.environment} gets the safe variant{' '}
                <strong>{target?.safeVariant}</strong> at once; targeting and
                rollouts stop.
                {dependents.length > 0 &&
                  ` Flags that require it (${dependents.join(
                    ', ',
                  )}) follow: they serve their own safe variant unless ${
                    target?.safeVariant
                  } is one of the variants they accept.`}
                {needsApproval &&
                  ' This takes effect without approval; another owner reviews it afterwards.'}
              </>
            )}
            {confirm?.action === 'restore' && (
              <>
                Lifts the kill switch: {target?.environment} serves the flag's
                definition again ({target?.summary.targeting}), exactly as it is
                stored — as authored before the kill, or as edited since.
                {needsApproval &&
                  ` In ${environment} this waits for another owner's approval; until then the flag stays killed.`}
              </>
            )}
            {confirm?.action === 'toggle' && (
              <>
                {target && enabled(target)
                  ? 'Disabled flags make applications use their code default.'
                  : 'The flag serves its variants and targeting again.'}
                {needsApproval &&
                  ` In ${environment} this waits for another owner's approval.`}
              </>
            )}
          </ReasonDialog>
        </>
      )}
    </AsyncCard>
  );
}
