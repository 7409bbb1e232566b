import { useApi } from '@backstage/core-plugin-api';
import { FLAG_METADATA } from '@gantry/plugin-gantry-common';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api/GantryApi';
import { SelectField } from '../shared/SelectField';
import { useEntityRef } from '../shared/useEntityRef';

/**
 * Picks the entity SLO whose burn stops this flag's scheduled ramp. It lives in the
 * definition's flagd `metadata.linkedSlo`, so the JSON stays the one source of truth.
 */
export function LinkedSloField(props: {
  definition: string;
  onDefinition: (definition: string) => void;
}) {
  const api = useApi(gantryApiRef);
  const ref = useEntityRef();
  const slos = useAsync(() => api.getSlos(ref), [api, ref]);
  let parsed: { metadata?: Record<string, unknown> } | undefined;
  try {
    parsed = JSON.parse(props.definition);
  } catch {
    parsed = undefined;
  }
  const current = parsed?.metadata?.[FLAG_METADATA.linkedSlo];
  const value = typeof current === 'string' ? current : '';
  const names = (slos.value?.definitions ?? []).map(d => d.name);
  const options = value && !names.includes(value) ? [...names, value] : names;

  const choose = (name: string) => {
    if (!parsed) return;
    const { [FLAG_METADATA.linkedSlo]: _old, ...rest } = parsed.metadata ?? {};
    const metadata = name ? { ...rest, [FLAG_METADATA.linkedSlo]: name } : rest;
    const { metadata: _m, ...definition } = parsed;
    props.onDefinition(
      JSON.stringify(
        Object.keys(metadata).length ? { ...definition, metadata } : definition,
        null,
        2,
      ),
    );
  };

  let helperText = 'A burning SLO stops the scheduled ramp of this flag';
  if (slos.loading) helperText = 'Loading the SLOs of this entity…';
  else if (slos.error) helperText = `SLOs unavailable: ${slos.error.message}`;
  else if (!names.length)
    helperText = 'This entity declares no SLOs (gantry.dev/slo-spec)';
  return (
    <SelectField
      id="gantry-flag-linked-slo"
      label="Linked SLO"
      fullWidth
      disabled={!parsed || (!names.length && !value)}
      value={value}
      onChange={e => choose(e.target.value)}
      helperText={helperText}
      options={[{ value: '', label: <em>none</em> }, ...options]}
    />
  );
}
