import { Content, type TableColumn } from '@backstage/core-components';
import {
  alertApiRef,
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  InvalidProcessingDeclaration,
  ProcessingActivity,
  ProcessingRecord,
} from '@gantry/plugin-gantry-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { processingRecordPath } from './processingRecordUrl';

const yesNo = (v?: boolean) => {
  if (v === undefined) return 'not declared';
  return v ? 'yes' : 'NO';
};

const activityColumns: TableColumn<ProcessingActivity>[] = [
  {
    title: 'Service',
    render: a => (
      <EntityRefLink entityRef={a.entityRef} defaultKind="component" />
    ),
  },
  {
    title: 'System',
    render: a =>
      a.system ? (
        <EntityRefLink entityRef={a.system} defaultKind="system" />
      ) : (
        '–'
      ),
  },
  { title: 'Categories', render: a => a.categories.join(', ') },
  { title: 'Purposes', render: a => a.purposes.join(', ') },
  { title: 'Lawful basis', field: 'lawfulBasis' },
  { title: 'Retention', render: a => a.retention ?? 'not set' },
  {
    title: 'Processors',
    render: a => a.processors.map(p => p.name).join(', ') || '–',
  },
  {
    title: 'Transfers',
    render: a =>
      a.transfers
        .map(t => `${t.region}${t.safeguard ? ` (${t.safeguard})` : ''}`)
        .join(', ') || '–',
  },
  {
    title: 'Encrypted in transit / at rest',
    render: a =>
      `${yesNo(a.encryptionInTransit)} / ${yesNo(a.encryptionAtRest)}`,
  },
];

const invalidColumns: TableColumn<InvalidProcessingDeclaration>[] = [
  {
    title: 'Service',
    render: i => (
      <EntityRefLink entityRef={i.entityRef} defaultKind="component" />
    ),
  },
  { title: 'Why it is not in the record', field: 'reason' },
];

/** The GDPR Article 30 record of processing activities, for the catalog or one System. */
export function PrivacyPage() {
  const discovery = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const alerts = useApi(alertApiRef);
  const [system, setSystem] = useState('');

  const get = async (path: string) => {
    const res = await fetchApi.fetch(
      `${await discovery.getBaseUrl('gantry')}${path}`,
    );
    if (!res.ok)
      throw new Error(`${res.status} ${(await res.text()).slice(0, 500)}`);
    return res;
  };
  const state = useAsyncRetry(
    async () =>
      (await (
        await get(processingRecordPath(undefined, 'json'))
      ).json()) as ProcessingRecord,
    [discovery, fetchApi],
  );
  const systems = useMemo(
    () =>
      [
        ...new Set(
          [
            ...(state.value?.activities ?? []),
            ...(state.value?.invalid ?? []),
          ].flatMap(a => (a.system ? [a.system] : [])),
        ),
      ].sort(),
    [state.value],
  );

  const download = async (format: 'json' | 'csv') => {
    try {
      const res = await get(processingRecordPath(system || undefined, format));
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await res.blob());
      a.download = `processing-record-${
        system ? system.split('/').pop() : 'catalog'
      }.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      alerts.post({
        message: `The record could not be built: ${(e as Error).message}`,
        severity: 'error',
      });
    }
  };

  const inScope = <T extends { system?: string }>(items: T[]) =>
    system ? items.filter(i => i.system === system) : items;

  return (
    <Content>
      <AsyncCard<ProcessingRecord>
        title="Record of processing activities"
        subheader="GDPR Article 30, from each service's gantry.dev/personal-data annotation"
        {...state}
        isEmpty={r => r.activities.length + r.invalid.length === 0}
        empty={{
          title: 'No service declares personal data',
          description:
            'Annotate a Component with gantry.dev/personal-data (categories, purposes, lawfulBasis, retention, processors, transfers, encryptionInTransit, encryptionAtRest).',
        }}
        action={
          <>
            <TextField
              select
              size="small"
              label="System"
              value={system}
              onChange={e => setSystem(e.target.value)}
              style={{ minWidth: 200, marginRight: 8 }}
            >
              <MenuItem value="">Whole catalog</MenuItem>
              {systems.map(s => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </TextField>
            <Button onClick={() => download('json')}>JSON</Button>
            <Button onClick={() => download('csv')}>CSV</Button>
          </>
        }
      >
        {r => (
          <Grid container direction="column" spacing={2}>
            <Grid item>
              <DenseTable
                columns={activityColumns}
                data={inScope(r.activities)}
              />
            </Grid>
            {inScope(r.invalid).length > 0 && (
              <Grid item>
                <Typography variant="h6">
                  Declarations that could not be read
                </Typography>
                <DenseTable
                  columns={invalidColumns}
                  data={inScope(r.invalid)}
                />
              </Grid>
            )}
          </Grid>
        )}
      </AsyncCard>
    </Content>
  );
}
