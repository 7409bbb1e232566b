import { rampTargeting, rolloutTo } from '@gantry/plugin-gantry-common';
import { Box, Button, TextField } from '@material-ui/core';
import { useState } from 'react';
import { SelectField } from '../shared/SelectField';

/** `5@2026-12-01T09:00Z, 25@2026-12-03T09:00Z` -> ramp steps. */
export function parseRampSteps(text: string) {
  return text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map(s => {
      const [percent, at] = s.split('@').map(p => p.trim());
      if (!at || Number.isNaN(Number(percent)))
        throw new Error(
          `Write each ramp step as percent@time, e.g. 5@2026-12-01T09:00Z; got '${s}'`,
        );
      return { percent: Number(percent), at };
    });
}

/**
 * Writes a percentage rollout or a scheduled ramp into the definition's targeting, so
 * people need not hand-write fractional weights.
 */
export function RolloutHelper(props: {
  variants: string[];
  onTargeting: (targeting: Record<string, unknown>) => void;
  onError: (message: string) => void;
}) {
  const [variant, setVariant] = useState(props.variants[0] ?? '');
  const [percent, setPercent] = useState('5');
  const [ramp, setRamp] = useState('');
  const rest = props.variants.find(v => v !== variant) ?? '';
  const apply = (build: () => Record<string, unknown>) => {
    try {
      props.onTargeting(build());
    } catch (e) {
      props.onError((e as Error).message);
    }
  };
  if (props.variants.length < 2) return null;
  return (
    <Box
      display="flex"
      alignItems="flex-end"
      flexWrap="wrap"
      style={{ gap: 8 }}
    >
      <SelectField
        id="gantry-flag-rollout-variant"
        label="Roll out"
        value={variant}
        onChange={e => setVariant(e.target.value)}
        options={props.variants}
      />
      <TextField
        id="gantry-flag-rollout-percent"
        label="to %"
        type="number"
        inputProps={{ min: 0, max: 100, step: 0.01 }}
        style={{ width: 90 }}
        value={percent}
        onChange={e => setPercent(e.target.value)}
      />
      <Button
        size="small"
        onClick={() => apply(() => rolloutTo(variant, rest, Number(percent)))}
      >
        Set rollout
      </Button>
      <TextField
        id="gantry-flag-ramp"
        label="or ramp (percent@time, …)"
        placeholder="1@2026-12-01T09:00Z, 5@2026-12-02T09:00Z, 25@2026-12-03T09:00Z"
        style={{ flex: 1, minWidth: 260 }}
        value={ramp}
        onChange={e => setRamp(e.target.value)}
      />
      <Button
        size="small"
        disabled={!ramp.trim()}
        onClick={() =>
          apply(() => rampTargeting(variant, rest, parseRampSteps(ramp)))
        }
      >
        Set ramp
      </Button>
    </Box>
  );
}
