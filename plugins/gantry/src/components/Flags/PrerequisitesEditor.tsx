import type {
  FeatureFlag,
  FlagPrerequisite,
} from '@gantry/plugin-gantry-common';
import { Box, Button, IconButton, Typography } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import { SelectField } from '../shared/SelectField';

/** The variants that usually mean "on": the `true` one of a boolean flag, else the default. */
function onVariants(flag: FeatureFlag): string[] {
  const on = Object.entries(flag.definition.variants).find(
    ([, v]) => v === true,
  );
  if (on) return [on[0]];
  const d = flag.definition.defaultVariant;
  return d ? [d] : Object.keys(flag.definition.variants).slice(0, 1);
}

/** Picks the flags (of the same environment) this flag waits for, and their allowed variants. */
export function PrerequisitesEditor(props: {
  value: FlagPrerequisite[];
  /** Other flags of the environment. */
  candidates: FeatureFlag[];
  onChange: (value: FlagPrerequisite[]) => void;
}) {
  const { value, candidates, onChange } = props;
  const byKey = new Map(candidates.map(f => [f.key, f]));
  const unused = candidates.filter(f => !value.some(p => p.flag === f.key));
  const update = (i: number, p: FlagPrerequisite) =>
    onChange(value.map((old, j) => (j === i ? p : old)));

  return (
    <Box>
      <Typography variant="subtitle2">Prerequisites</Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        This flag serves its own rules only while each prerequisite serves one
        of the chosen variants for the same user; otherwise it serves its safe
        variant. A disabled prerequisite is never met.
      </Typography>
      {value.map((p, i) => {
        const pre = byKey.get(p.flag);
        const variants = pre ? Object.keys(pre.definition.variants) : [];
        return (
          <Box
            key={i}
            display="flex"
            alignItems="flex-end"
            style={{ gap: 8 }}
            mt={1}
          >
            <SelectField
              id={`gantry-flag-prerequisite-${i}`}
              label="Flag"
              style={{ minWidth: 200 }}
              value={p.flag}
              onChange={e => {
                const next = byKey.get(e.target.value);
                if (next)
                  update(i, { flag: next.key, variants: onVariants(next) });
              }}
              options={[pre, ...unused]
                .filter((f): f is FeatureFlag => Boolean(f))
                .map(f => f.key)}
            />
            <SelectField
              id={`gantry-flag-prerequisite-${i}-variants`}
              label="serves one of"
              style={{ minWidth: 200 }}
              SelectProps={{
                multiple: true,
                renderValue: v => (v as string[]).join(', '),
              }}
              value={p.variants}
              onChange={e =>
                update(i, {
                  flag: p.flag,
                  variants: e.target.value as unknown as string[],
                })
              }
              options={variants}
            />
            <IconButton
              size="small"
              aria-label={`Remove prerequisite ${p.flag}`}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              <DeleteIcon fontSize="small" />
            </IconButton>
          </Box>
        );
      })}
      <Button
        size="small"
        disabled={!unused.length}
        onClick={() =>
          onChange([
            ...value,
            { flag: unused[0].key, variants: onVariants(unused[0]) },
          ])
        }
      >
        Add prerequisite
      </Button>
    </Box>
  );
}
