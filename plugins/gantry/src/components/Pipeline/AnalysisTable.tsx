import type { AnalysisRunView } from '@gantry/plugin-gantry-common';
import {
  Box,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';

const COLORS: Record<string, 'default' | 'primary' | 'secondary'> = {
  Successful: 'primary',
  Failed: 'secondary',
  Error: 'secondary',
};

/** Why a run passed, failed or is inconclusive: each metric's measured values beside its condition. */
export function AnalysisTable({ run }: { run: AnalysisRunView }) {
  return (
    <Box mt={1}>
      <Typography variant="subtitle2">
        Analysis {run.experiment && `of experiment ${run.experiment} `}
        {run.stepIndex !== undefined
          ? `at step ${run.stepIndex}`
          : run.rolloutType}
        :{' '}
        <Chip
          size="small"
          label={run.phase}
          color={COLORS[run.phase] ?? 'default'}
        />
        {run.message && (
          <Typography variant="caption" component="span">
            {' '}
            {run.message}
          </Typography>
        )}
      </Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            <TableCell>Measured against the condition</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {run.metrics.map(m => (
            <TableRow key={m.name}>
              <TableCell style={{ verticalAlign: 'top' }}>
                <Typography variant="body2">{m.name}</Typography>
                <Typography variant="caption" color="textSecondary">
                  {m.phase} ({m.successful}/{m.count} ok
                  {m.failed ? `, ${m.failed} failed` : ''}
                  {m.inconclusive ? `, ${m.inconclusive} inconclusive` : ''}
                  {m.error ? `, ${m.error} errors` : ''})
                </Typography>
              </TableCell>
              <TableCell style={{ verticalAlign: 'top' }}>
                <Typography variant="caption" display="block">
                  <code>
                    {m.successCondition ??
                      (m.failureCondition
                        ? `fail if ${m.failureCondition}`
                        : 'no condition')}
                  </code>
                  {m.successCondition && m.failureCondition && (
                    <>
                      {' '}
                      · fail if <code>{m.failureCondition}</code>
                    </>
                  )}
                </Typography>
                {m.measurements.map((x, i) => (
                  <Typography
                    key={i}
                    variant="caption"
                    component="span"
                    color={
                      x.phase === 'Failed' || x.phase === 'Error'
                        ? 'error'
                        : 'textPrimary'
                    }
                  >
                    {x.value ?? x.message ?? x.phase}
                    {i < m.measurements.length - 1 ? ', ' : ''}
                  </Typography>
                ))}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
