import {
  MenuItem,
  TextField,
  type StandardTextFieldProps,
} from '@material-ui/core';
import type { ReactNode } from 'react';

export type SelectOption =
  | string
  | { value: string | number; label: ReactNode };

/** A Material UI select whose options are plain values, or a value with a label. */
export function SelectField(
  props: Omit<StandardTextFieldProps, 'select' | 'children'> & {
    options: readonly SelectOption[];
  },
) {
  const { options, ...rest } = props;
  return (
    <TextField select {...rest}>
      {options.map(o => {
        const { value, label } =
          typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <MenuItem key={String(value)} value={value}>
            {label}
          </MenuItem>
        );
      })}
    </TextField>
  );
}
