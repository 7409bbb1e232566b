import type { SloAlertStatus } from '@gantry/plugin-gantry-common';
import { Box, Chip, Tooltip } from '@material-ui/core';
import { formatBurnRate } from './format';

const why = (a: SloAlertStatus) =>
  a.conditions
    .map(
      c =>
        `${c.shortWindow} ${formatBurnRate(c.shortBurnRate)} and ${
          c.longWindow
        } ${formatBurnRate(c.longBurnRate)} vs ${Number(c.factor.toFixed(2))}×${
          c.firing ? ' — firing' : ''
        }`,
    )
    .join('; ');

/** Page and ticket alerts: firing, quiet, or not generated. */
export function AlertChips(props: { alerts: SloAlertStatus[] }) {
  return (
    <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
      {props.alerts.map(a => {
        let state = a.firing ? 'firing' : 'quiet';
        if (!a.name) state = 'disabled';
        return (
          <Tooltip key={a.severity} title={why(a)}>
            <Chip
              size="small"
              color={state === 'firing' ? 'secondary' : 'default'}
              variant={state === 'disabled' ? 'outlined' : 'default'}
              label={`${a.severity}${a.name ? ` ${a.name}` : ''}: ${state}`}
            />
          </Tooltip>
        );
      })}
    </Box>
  );
}
