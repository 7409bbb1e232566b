import type {
  MigrationPlanView,
  MigrationStepView,
} from '@gantry/plugin-gantry-common';
import { Box, Chip, Typography } from '@material-ui/core';

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

function phaseColor(phase: string): 'primary' | 'secondary' | 'default' {
  if (phase === 'Succeeded') return 'primary';
  if (phase === 'Failed' || phase === 'Error') return 'secondary';
  return 'default';
}

/** What CI's migration report says of the release: lint findings and how it is undone. */
function Plan({ plan }: { plan: MigrationPlanView }) {
  if (plan.files === 0)
    return (
      <Typography variant="caption" display="block" color="textSecondary">
        The release changes no schema.
      </Typography>
    );
  return (
    <>
      <Typography variant="caption" display="block">
        {plural(plan.files, 'migration file')} ·{' '}
        {plural(plan.findings.total, 'squawk finding')} (
        {plural(plan.findings.errors, 'error')})
        {plan.breaking
          ? ` · ${plural(
              plan.breaking,
              'backward-incompatible change',
            )} in expand steps`
          : ''}
      </Typography>
      {plan.forwardOnly.length ? (
        plan.forwardOnly.map(f => (
          <Typography
            key={f.file}
            variant="caption"
            display="block"
            color="error"
          >
            Rollback: <code>{f.file}</code> is forward-only: {f.reason}
          </Typography>
        ))
      ) : (
        <Typography variant="caption" display="block" color="textSecondary">
          Rollback: every step has a down migration.
        </Typography>
      )}
    </>
  );
}

/**
 * The migration step (Argo CD PreSync hook Job) of an environment's last sync, with the
 * release it deployed and that release's migration report.
 */
export function MigrationStep({ step }: { step: MigrationStepView }) {
  const release = step.release
    ? `release ${step.release}`
    : step.revisions.map(r => (r.length === 40 ? r.slice(0, 8) : r)).join(', ');
  return (
    <Box mt={1} data-testid="migration-step">
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2">Migration</Typography>
        <Chip
          size="small"
          label={step.phase}
          color={phaseColor(step.phase)}
          variant={step.phase === 'Running' ? 'outlined' : 'default'}
        />
        <Typography variant="caption" color="textSecondary">
          {release}
        </Typography>
      </Box>
      {step.jobs.map(job => (
        <Typography
          key={`${job.namespace}/${job.name}`}
          variant="caption"
          display="block"
          color={
            job.phase === 'Failed' || job.phase === 'Error'
              ? 'error'
              : 'textSecondary'
          }
        >
          Job {job.name}
          {step.jobs.length > 1
            ? ` ${job.phase.toLocaleLowerCase('en-US')}`
            : ''}
          {job.message ? `: ${job.message}` : ''}
        </Typography>
      ))}
      {step.plan && <Plan plan={step.plan} />}
      {!step.plan && (
        <Typography variant="caption" display="block" color="textSecondary">
          {step.release
            ? `No migration report for ${step.release}: CI uploads one as evidence format migration.`
            : 'Gantry cannot tell which release this sync deployed (no app.kubernetes.io/version label or image tag), so no migration report is shown.'}
        </Typography>
      )}
    </Box>
  );
}
