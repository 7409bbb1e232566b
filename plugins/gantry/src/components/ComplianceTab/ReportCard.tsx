import {
  StatusError,
  StatusOK,
  type TableColumn,
} from '@backstage/core-components';
import { alertApiRef, fetchApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  ComplianceReport,
  ControlResult,
} from '@gantry/plugin-gantry-common';
import { Box, Button, Typography } from '@material-ui/core';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef } from '../../api/GantryApi';
import { AsyncCard } from '../shared/AsyncCard';
import { DenseTable } from '../shared/DenseTable';
import { FoldedList } from '../shared/FoldedList';
import { useEntityRef } from '../shared/useEntityRef';
import { SelectField } from '../shared/SelectField';
import { ControlEvidenceList } from './ControlEvidenceList';

const PERIODS = [30, 90, 365];

const columns: TableColumn<ControlResult>[] = [
  { title: 'Control', field: 'control', width: '90px' },
  { title: 'What it checks', field: 'title' },
  {
    title: 'Result',
    render: c =>
      c.status === 'pass' ? (
        <StatusOK>pass</StatusOK>
      ) : (
        <StatusError>fail</StatusError>
      ),
  },
  {
    title: 'Details',
    render: c => (
      <>
        <Typography variant="body2">{c.summary}</Typography>
        <FoldedList
          items={c.findings}
          render={f => (
            <Typography key={f} variant="body2" color="error">
              {f}
            </Typography>
          )}
        />
      </>
    ),
  },
  {
    title: 'Evidence',
    render: c => <ControlEvidenceList evidence={c.evidence ?? []} />,
  },
];

/** SOC 2 controls (CC8.1, CC7.1, CC6.1) for a period, and the report download. */
export function ReportCard() {
  const api = useApi(gantryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const alerts = useApi(alertApiRef);
  const ref = useEntityRef();
  const [days, setDays] = useState(90);
  // whole days, so the period does not change on every render
  const period = useMemo(() => {
    const to = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000);
    return {
      from: new Date(to.getTime() - days * 86_400_000).toISOString(),
      to: to.toISOString(),
    };
  }, [days]);
  const state = useAsyncRetry(
    () => api.getComplianceReport(ref, period.from, period.to),
    [api, ref, period],
  );

  const download = async (format: 'json' | 'csv') => {
    try {
      const url = await api.complianceReportUrl(
        ref,
        period.from,
        period.to,
        format,
      );
      const res = await fetchApi.fetch(url);
      if (!res.ok)
        throw new Error(
          `The report could not be built: ${res.status} ${await res.text()}`,
        );
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await res.blob());
      a.download = `compliance-${ref.name}-${period.from.slice(
        0,
        10,
      )}-${period.to.slice(0, 10)}.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      alerts.post({ message: (e as Error).message, severity: 'error' });
    }
  };

  return (
    <AsyncCard<ComplianceReport>
      title="Compliance controls"
      subheader="SOC 2 CC8.1 change management, CC7.1 vulnerability management, CC6.1 access"
      {...state}
      empty={{
        title: 'No report',
        description: 'The report could not be produced.',
      }}
      action={
        <Box
          display="flex"
          alignItems="center"
          style={{ gap: 8 }}
          pt={1}
          pr={1}
        >
          <SelectField
            size="small"
            id="gantry-report-period"
            value={days}
            onChange={e => setDays(Number(e.target.value))}
            options={PERIODS.map(d => ({ value: d, label: `last ${d} days` }))}
          />
          <Button
            size="small"
            variant="outlined"
            onClick={() => download('json')}
          >
            JSON
          </Button>
          <Button
            size="small"
            variant="outlined"
            onClick={() => download('csv')}
          >
            CSV
          </Button>
        </Box>
      }
    >
      {report => (
        <>
          <DenseTable<ControlResult> columns={columns} data={report.controls} />
          <Typography variant="caption" color="textSecondary">
            {report.deployments?.length ?? 0} production deployment(s) and{' '}
            {report.changes.length} promotion request(s) in the period; produced
            at audit record {report.auditHead.seq} (
            {report.auditHead.hash.slice(0, 16)}…).
          </Typography>
        </>
      )}
    </AsyncCard>
  );
}
