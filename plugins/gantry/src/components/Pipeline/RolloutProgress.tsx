import type { RolloutView } from '@gantry/plugin-gantry-common';
import { Box, LinearProgress, Tooltip, Typography } from '@material-ui/core';

/** The canary's weight as a bar, with a marker at each setWeight step (5/25/50/75/100). */
export function RolloutProgress({ rollout }: { rollout: RolloutView }) {
  const weights = rollout.steps.filter(s => s.kind === 'setWeight');
  const value =
    rollout.actualWeight ??
    (rollout.fullyPromoted ? 100 : rollout.canaryWeight ?? 0);
  return (
    <Box position="relative" mt={1} mb={2} aria-label={`canary at ${value} %`}>
      <LinearProgress
        variant="determinate"
        value={value}
        color={rollout.aborted ? 'secondary' : 'primary'}
        style={{ height: 8, borderRadius: 4 }}
      />
      {weights.map(s => (
        <Tooltip key={s.index} title={`step ${s.index}: setWeight ${s.weight}`}>
          <Box
            position="absolute"
            top={-2}
            left={`calc(${s.weight}% - 1px)`}
            width={2}
            height={12}
            bgcolor={
              rollout.currentStepIndex !== undefined &&
              s.index < rollout.currentStepIndex
                ? 'text.primary'
                : 'grey.400'
            }
          />
        </Tooltip>
      ))}
      <Box display="flex" justifyContent="space-between" mt={0.5}>
        {weights.map(s => (
          <Typography key={s.index} variant="caption" color="textSecondary">
            {s.weight}
          </Typography>
        ))}
      </Box>
    </Box>
  );
}

/** Minutes and seconds left in a timed pause, or undefined when the pause has no duration. */
export function pauseRemaining(
  rollout: RolloutView,
  now: number,
): string | undefined {
  const start = rollout.pauseConditions[0]?.startTime;
  const m = /^(\d+)(s|m|h)$/.exec(rollout.pauseDuration ?? '');
  if (!start || !m) return undefined;
  const ms =
    Number(m[1]) *
    { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  const left = Math.max(0, Date.parse(start) + ms - now);
  const mins = Math.floor(left / 60_000);
  const secs = Math.floor((left % 60_000) / 1_000);
  return `${mins}:${String(secs).padStart(2, '0')}`;
}
