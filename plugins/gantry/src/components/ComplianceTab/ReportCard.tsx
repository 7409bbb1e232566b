import { InfoCard } from '@backstage/core-components';
import { alertApiRef, fetchApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { gantryApiRef } from '../../api/GantryApi';
import { useEntityRef } from '../shared/useEntityRef';

const PERIODS = [30, 90, 365];

/** Downloads the SOC 2 report (CC8.1, CC7.1, CC6.1) for a period as JSON or CSV. */
export function ReportCard() {
  const api = useApi(gantryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const alerts = useApi(alertApiRef);
  const ref = useEntityRef();
  const [days, setDays] = useState(90);

  const download = async (format: 'json' | 'csv') => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    try {
      const url = await api.complianceReportUrl(
        ref,
        from.toISOString(),
        to.toISOString(),
        format,
      );
      const res = await fetchApi.fetch(url);
      if (!res.ok)
        throw new Error(
          `The report could not be built: ${res.status} ${await res.text()}`,
        );
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `compliance-${ref.name}-${from
        .toISOString()
        .slice(0, 10)}-${to.toISOString().slice(0, 10)}.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      alerts.post({ message: (e as Error).message, severity: 'error' });
    }
  };

  return (
    <InfoCard
      title="Compliance report"
      subheader="SOC 2 CC8.1 change management, CC7.1 vulnerability management, CC6.1 access"
    >
      <Typography variant="body2" paragraph>
        Every production change with its request, approvals by someone other
        than the author, tests and scans, linked to the original evidence, and
        the audit log head it was produced at.
      </Typography>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <TextField
          select
          size="small"
          label="Period"
          value={days}
          onChange={e => setDays(Number(e.target.value))}
        >
          {PERIODS.map(d => (
            <MenuItem key={d} value={d}>
              last {d} days
            </MenuItem>
          ))}
        </TextField>
        <Button variant="outlined" onClick={() => download('json')}>
          Download JSON
        </Button>
        <Button variant="outlined" onClick={() => download('csv')}>
          Download CSV
        </Button>
      </Box>
    </InfoCard>
  );
}
