import { Progress } from '@backstage/core-components';
import type { RollbackMigrationCheck } from '@gantry/plugin-gantry-common';
import { Box, Checkbox, FormControlLabel, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';

/**
 * What a rollback does to the database schema: the releases it goes back past whose
 * migrations are forward-only (named with their plan), which the user must acknowledge.
 */
export function RollbackMigrationWarning({
  check,
  acknowledged,
  onAcknowledge,
}: {
  check: { loading: boolean; error?: Error; value?: RollbackMigrationCheck };
  acknowledged: boolean;
  onAcknowledge: (value: boolean) => void;
}) {
  if (check.loading)
    return (
      <Box my={1}>
        <Typography variant="caption">
          Checking the migrations of the releases this goes back past…
        </Typography>
        <Progress />
      </Box>
    );
  if (check.error)
    return (
      <Box my={1}>
        <Alert severity="info">
          Could not check the database migrations this rollback goes back past (
          {check.error.message}). Gantry still refuses a rollback past a
          forward-only migration until it is acknowledged.
        </Alert>
      </Box>
    );
  const value = check.value;
  if (!value || !value.undone.length) return null;
  const target = value.target.join(', ') || 'the earlier release';
  return (
    <Box my={1}>
      {value.irreversible.length > 0 && (
        <Alert severity="warning">
          {value.irreversible.map(m => (
            <Typography key={m.release} variant="body2">
              Release {m.release} ran a migration that cannot be undone:{' '}
              {m.forwardOnly.map((f, i) => (
                <span key={f.file}>
                  {i > 0 ? '; ' : ''}
                  <code>{f.file}</code> is forward-only: {f.reason}
                </span>
              ))}
              .
            </Typography>
          ))}
          <Typography variant="body2">
            The database keeps that schema while {target} runs again.
          </Typography>
          <FormControlLabel
            control={
              <Checkbox
                checked={acknowledged}
                onChange={ev => onAcknowledge(ev.target.checked)}
                color="primary"
              />
            }
            label={`${target} works with the schema ${value.irreversible
              .map(m => m.release)
              .join(', ')} left: roll back anyway`}
          />
        </Alert>
      )}
      {value.unreported.length > 0 && (
        <Typography variant="caption" display="block" color="textSecondary">
          No migration report for {value.unreported.join(', ')}: Gantry cannot
          tell whether its migrations can be undone.
        </Typography>
      )}
      {!value.irreversible.length && !value.unreported.length && (
        <Typography variant="caption" display="block" color="textSecondary">
          Every migration of {value.undone.join(', ')} has a down migration
          (Argo CD does not run it: run it if {target} needs the old schema).
        </Typography>
      )}
    </Box>
  );
}
