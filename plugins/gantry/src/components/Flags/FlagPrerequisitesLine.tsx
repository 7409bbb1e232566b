import type { FeatureFlag } from '@gantry/plugin-gantry-common';
import { Typography } from '@material-ui/core';

/** Under a flag's targeting: the flags it waits for, e.g. "requires new-checkout = on". */
export function FlagPrerequisitesLine({ flag }: { flag: FeatureFlag }) {
  if (!flag.prerequisites?.length) return null;
  return (
    <Typography
      variant="caption"
      display="block"
      color="textSecondary"
      title={`Serves ${flag.safeVariant} while a prerequisite serves another variant`}
    >
      requires{' '}
      {flag.prerequisites
        .map(p => `${p.flag} = ${p.variants.join(' | ')}`)
        .join(' and ')}
    </Typography>
  );
}

/** Flags that list `key` as a prerequisite. */
export function dependentsOf(key: string, flags: FeatureFlag[]): string[] {
  return flags
    .filter(f => f.prerequisites?.some(p => p.flag === key))
    .map(f => f.key);
}
