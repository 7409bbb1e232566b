import {
  linkedSloOf,
  rampStopOf,
  type FlagdFlag,
} from '@gantry/plugin-gantry-common';
import { Typography } from '@material-ui/core';

/** Under a flag's targeting: the SLO its ramp is linked to, or the SLO that stopped it. */
export function FlagSloLine({ definition }: { definition: FlagdFlag }) {
  const stop = rampStopOf(definition);
  const linked = linkedSloOf(definition);
  if (!stop && !linked) return null;
  return (
    <Typography
      variant="caption"
      display="block"
      color={stop ? 'error' : 'textSecondary'}
      title={stop?.at ? `stopped at ${stop.at}` : undefined}
    >
      {stop ? `ramp stopped by SLO ${stop.slo}` : `linked SLO: ${linked}`}
    </Typography>
  );
}
